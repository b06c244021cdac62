package dev.tessera.tokenizers.music;

/**
 * A time signature change (meta event 0x58), e.g. 3/4 from tick 0.
 *
 * @param tick where it starts
 * @param numerator beats per bar, 1–255
 * @param denominator the note value of a beat: 1, 2, 4, … 64
 */
public record TimeSignature(long tick, int numerator, int denominator) {

    public TimeSignature {
        if (tick < 0 || numerator < 1 || numerator > 255 || denominator < 1 || denominator > 64
                || Integer.bitCount(denominator) != 1) {
            throw new IllegalArgumentException("bad time signature " + numerator + "/" + denominator + " at tick " + tick);
        }
    }
}
