package dev.tessera.tokenizers.music;

import java.util.List;

/**
 * How much shorter subword tokens make one piece (spec §6.3, after Kumar &amp; Sarmento, "From Words to
 * Music"): the sequence-length reduction 1 − subword tokens ÷ base tokens, with tokens per bar and per
 * note alongside.
 *
 * @param baseTokens    base events of the piece
 * @param subwordTokens subword tokens of the same piece
 * @param bars          bars the piece spans
 * @param notes         notes the piece holds (its {@code Pitch} and {@code PitchDrum} events)
 */
public record SequenceLength(long baseTokens, long subwordTokens, long bars, long notes) {

    /** The lengths of one piece's base events and subword ids. */
    public static SequenceLength of(TokenSequence events, int[] subwordIds) {
        long notes = events.tokens().stream().filter(t -> t.startsWith("Pitch")).count();
        return new SequenceLength(events.size(), subwordIds.length, events.barCount(), notes);
    }

    /** 1 − subword tokens ÷ base tokens; 0 for an empty piece. */
    public double reduction() {
        return baseTokens == 0 ? 0 : 1 - (double) subwordTokens / baseTokens;
    }

    public double baseTokensPerBar() {
        return bars == 0 ? 0 : (double) baseTokens / bars;
    }

    public double subwordTokensPerBar() {
        return bars == 0 ? 0 : (double) subwordTokens / bars;
    }

    public double baseTokensPerNote() {
        return notes == 0 ? 0 : (double) baseTokens / notes;
    }

    public double subwordTokensPerNote() {
        return notes == 0 ? 0 : (double) subwordTokens / notes;
    }

    /** The counts of two pieces summed (ratios of a sum weight long pieces more than {@link #meanReduction}). */
    public SequenceLength plus(SequenceLength other) {
        return new SequenceLength(baseTokens + other.baseTokens, subwordTokens + other.subwordTokens,
                bars + other.bars, notes + other.notes);
    }

    /** The mean over pieces of each piece's reduction: the per-piece figure the paper reports. */
    public static double meanReduction(List<SequenceLength> pieces) {
        return pieces.stream().mapToDouble(SequenceLength::reduction).average().orElse(0);
    }
}
