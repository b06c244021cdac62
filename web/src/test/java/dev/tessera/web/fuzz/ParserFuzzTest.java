package dev.tessera.web.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes every parser that takes user bytes ({@link ParserTargets}: WAV, .npy, the JSON body of
 * {@code /api/v1/images}, MIDI, safetensors) in one fuzz test: the first byte of an input picks the parser,
 * the rest is its input.
 *
 * <p>One test rather than one per parser because Jazzer fuzzes one test per JVM, and starting a JVM with
 * Jazzer's agent costs far more than the seconds of fuzzing (about 80 s on the loaded 2-core build machine):
 * one JVM fuzzing 10 s spends about 2 s per parser, and coverage feedback steers the time to the parser
 * whose branches are still new. In {@code scripts/test} it fuzzes (surefire execution {@code fuzz-test},
 * {@code JAZZER_FUZZ=1}); elsewhere it replays the seeds and kept findings under
 * {@code src/test/resources/dev/tessera/web/fuzz/ParserFuzzTestInputs/allParsers/}. Long runs, one parser
 * at a time: {@code tessera bench fuzz}.
 */
class ParserFuzzTest {

    private static final List<ParserTargets.Target> TARGETS = List.copyOf(ParserTargets.all().values());
    private final List<Predicate<byte[]>> runs = TARGETS.stream().map(ParserTargets.Target::run).toList();

    /** Every target's seeds, each behind the byte that selects its target. */
    static Stream<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        for (int t = 0; t < TARGETS.size(); t++) {
            for (byte[] seed : ParserTargets.seedCopies(TARGETS.get(t))) {
                out.add(select(t, seed));
            }
        }
        return out.stream();
    }

    static byte[] select(int target, byte[] input) {
        byte[] out = new byte[input.length + 1];
        out[0] = (byte) target;
        System.arraycopy(input, 0, out, 1, input.length);
        return out;
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void allParsers(byte[] input) {
        if (input.length == 0) {
            return;
        }
        runs.get(Math.floorMod(input[0], runs.size())).test(Arrays.copyOfRange(input, 1, input.length));
    }

    @Test
    void everyParserAcceptsItsFirstSeedAndRefusesGarbageWithItsOwnError() {
        assertEquals(List.of("wav", "npy", "images-json", "midi", "safetensors"),
                TARGETS.stream().map(ParserTargets.Target::name).toList());
        for (ParserTargets.Target t : TARGETS) {
            assertEquals(true, t.run().test(t.seeds().get(0)), t.name() + " accepts its first seed");
            // cut inside the header (a WAV cut in its data is read as far as it goes, by design)
            byte[] truncated = Arrays.copyOf(t.seeds().get(0), 20);
            assertEquals(false, t.run().test(truncated), t.name() + " refuses an input cut after 20 bytes");
            assertEquals(false, t.run().test(new byte[0]), t.name() + " refuses an empty input");
        }
    }
}
