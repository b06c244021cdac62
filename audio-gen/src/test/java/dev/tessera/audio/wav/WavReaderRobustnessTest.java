package dev.tessera.audio.wav;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer: corrupted WAV files must either decode to finite samples or be refused with an
 * {@link AudioInputException}; any other exception (an index out of bounds, a negative array size, an
 * out-of-memory from a lying size field) is a bug in the parser.
 */
class WavReaderRobustnessTest {

    private static final int CASES = 20_000;
    private static final long[] EXTREMES = {0L, 1L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0xFFFFFFFEL, 40L, 16L};

    @Test
    void corruptedFilesDecodeOrFailWithBadInputOnly() {
        List<byte[]> seeds = List.of(
                WavBytes.riff().fmt(1, 2, 44100, 16).dataHeader(16).pcm16(1, 2, 3, 4, 5, 6, 7, 8).bytes(),
                WavBytes.riff().chunk("LIST", new byte[] {1, 2, 3}).fmtExtensible(1, 1, 96000, 24).dataHeader(9)
                        .u24(1).u24(0x800000).u24(0x7FFFFF).bytes(),
                WavBytes.riff().fmt(3, 1, 8000, 32).chunk("fact", new byte[] {4, 0, 0, 0}).dataHeader(8)
                        .f32(0.5f).f32(-0.25f).bytes());
        SplittableRandom r = new SplittableRandom(20260101);
        WavReader reader = new WavReader(60);
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] wav = mutate(seeds.get(r.nextInt(seeds.size())), r);
            try {
                WavAudio a = reader.read(wav);
                for (float v : a.samples()) {
                    assertTrue(Float.isFinite(v), "non-finite sample decoded from case " + i);
                }
                decoded++;
            } catch (AudioInputException e) {
                refused++;
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("case " + i + " threw " + e + " for bytes " + Arrays.toString(wav), e);
            }
        }
        System.out.printf("WAV mutation fuzzing: %d cases, %d decoded, %d refused with bad_input%n", CASES, decoded,
                refused);
        assertTrue(decoded > CASES / 10 && refused > CASES / 10, decoded + " decoded, " + refused + " refused");
    }

    private static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(Math.min(b.length, 48))] = (byte) r.nextInt(256); // header byte
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> { // a 32-bit field set to an extreme value
                    int at = r.nextInt(Math.max(1, b.length - 3));
                    long v = EXTREMES[r.nextInt(EXTREMES.length)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                default -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
            }
            if (b.length == 0) {
                break;
            }
        }
        return b;
    }
}
