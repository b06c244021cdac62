package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spec's round trips (§6.2) on short random MIDI files (fixed seeds) with several tracks, drums,
 * tempo changes and overlapping notes of one pitch, written by the JDK as format 0 with running status.
 */
class MusicRoundTripTest {

    private static final long[] SEEDS = {1, 2, 3, 4, 5, 6};
    /** Resolutions of the generated files: on the 8-step grid or not (100 and 1000 are not multiples of 8). */
    private static final int[] RESOLUTIONS = {384, 100, 96, 1000, 480, 220};

    static Stream<Arguments> tokenizers() {
        MusicTokenizerConfig d = MusicTokenizerConfig.defaults();
        return Stream.of(
                Arguments.of("REMI", MusicTokenizer.remi(d)),
                Arguments.of("REMI+ with tempos", MusicTokenizer.remi(d.withPrograms(true).withTempos(true))),
                Arguments.of("TSD", MusicTokenizer.tsd(d)),
                Arguments.of("TSD with programs and tempos", MusicTokenizer.tsd(d.withPrograms(true).withTempos(true))));
    }

    private static Score generated(int i) throws MidiFormatException {
        return MidiFiles.read(RandomMidi.format0(RandomMidi.score(SEEDS[i], RESOLUTIONS[i], 3, true, 50, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void tokensToMidiToTokensIsIdentical(String name, MusicTokenizer tokenizer) throws Exception {
        int scoresWithNestedNotes = 0;
        for (int i = 0; i < SEEDS.length; i++) {
            TokenSequence tokens = tokenizer.encode(generated(i));
            Score decoded = tokenizer.decode(tokens.tokens());
            byte[] midi = MidiFiles.toBytes(decoded);
            TokenSequence again = tokenizer.encode(MidiFiles.read(midi));
            assertEquals(tokens.tokens(), again.tokens(), name + ", seed " + SEEDS[i]);
            assertEquals(tokens.words(), again.words());
            if (decoded.tracks().stream().anyMatch(t -> MidiFiles.fifoLayers(t.notes()).size() > 1)) {
                scoresWithNestedNotes++;
            }
        }
        // Quantization makes some overlapping notes nest; the writer's extra tracks must have been used.
        assertTrue(scoresWithNestedNotes > 0, "no seed produced a note nested in another of its pitch");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void midiToTokensToMidiEqualsTheQuantizedInput(String name, MusicTokenizer tokenizer) throws Exception {
        MusicTokenizerConfig config = tokenizer.config();
        for (int i = 0; i < SEEDS.length; i++) {
            Score original = generated(i);
            Score decoded = MidiFiles.read(MidiFiles.toBytes(tokenizer.decode(tokenizer.encode(original).tokens())));

            List<GridNote> expected = quantizedNotes(original, config);
            List<GridNote> actual = gridNotes(decoded);
            assertEquals(expected, actual, name + ", seed " + SEEDS[i]);
            assertTrue(actual.size() > 100, "a test of " + actual.size() + " notes proves little");

            // Onsets moved by at most half a grid step (1/16 beat), compared in beats.
            for (GridNote n : expected) {
                double movedBeats = Math.abs(n.onset() / 8.0 - n.originalOnsetBeats());
                assertTrue(movedBeats <= 1 / 16.0 + 1e-12, "onset moved by " + movedBeats + " beats");
            }
            if (config.tempos()) {
                assertEquals(quantizedTempos(original), decoded.tempos().stream().map(TempoChange::bpm)
                        .map(b -> Math.round(b * 100) / 100.0).toList(), name + ", seed " + SEEDS[i]);
            } else {
                assertEquals(List.of(new TempoChange(0, 500_000)), decoded.tempos());
            }
        }
    }

    /** A note in grid steps (8 a beat); originalOnsetBeats is not compared. */
    record GridNote(int program, int pitch, long onset, long duration, int velocity, double originalOnsetBeats) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GridNote g && g.program == program && g.pitch == pitch && g.onset == onset
                    && g.duration == duration && g.velocity == velocity;
        }

        @Override
        public int hashCode() {
            return (int) (program * 31 + pitch * 17 + onset * 7 + duration * 3 + velocity);
        }

        @Override
        public String toString() {
            return "(" + program + " " + pitch + " @" + onset + " +" + duration + " v" + velocity + ")";
        }
    }

    private static final Comparator<GridNote> ORDER = Comparator.comparingInt(GridNote::program)
            .thenComparingInt(GridNote::pitch).thenComparingLong(GridNote::onset);

    /**
     * What the spec says survives, worked out here without the tokenizer: onsets to the nearest 1/8 beat,
     * durations to the nearest of 1/8-beat steps up to 4 beats then 1/4-beat steps up to 12, velocities
     * to the nearest ⌊127·i/32⌋, pitches outside 21–108 (drums 27–88) dropped, and of notes sharing a
     * grid onset, pitch and program only the longest (then loudest) kept.
     */
    private static List<GridNote> quantizedNotes(Score score, MusicTokenizerConfig config) {
        List<Long> durations = new ArrayList<>();
        for (long s = 1; s < 32; s++) {
            durations.add(s);
        }
        for (long s = 32; s <= 96; s += 2) {
            durations.add(s);
        }
        int tpq = score.ticksPerQuarter();
        Map<List<Long>, GridNote> kept = new LinkedHashMap<>();
        for (Track t : score.tracks()) {
            int program = t.drums() ? -1 : config.programs() ? t.program() : 0;
            for (Note n : t.notes()) {
                boolean inRange = t.drums() ? n.pitch() >= 27 && n.pitch() <= 88 : n.pitch() >= 21 && n.pitch() <= 108;
                if (!inRange) {
                    continue;
                }
                long onset = Math.round(n.onset() * 8.0 / tpq);
                long duration = durations.stream()
                        .min(Comparator.comparingLong((Long s) -> Math.abs(s * tpq - n.duration() * 8)).thenComparingLong(s -> s))
                        .orElseThrow();
                int velocity = 0;
                for (int i = 1; i <= 32; i++) {
                    int level = 127 * i / 32;
                    if (velocity == 0 || Math.abs(level - n.velocity()) < Math.abs(velocity - n.velocity())) {
                        velocity = level;
                    }
                }
                GridNote g = new GridNote(program, n.pitch(), onset, duration, velocity, n.onset() / (double) tpq);
                kept.merge(List.of((long) program, (long) n.pitch(), onset), g, (a, b) ->
                        b.duration() > a.duration() || (b.duration() == a.duration() && b.velocity() > a.velocity()) ? b : a);
            }
        }
        return kept.values().stream().sorted(ORDER).toList();
    }

    private static List<GridNote> gridNotes(Score decoded) {
        assertEquals(480, decoded.ticksPerQuarter());
        List<GridNote> notes = new ArrayList<>();
        for (Track t : decoded.tracks()) {
            for (Note n : t.notes()) {
                assertEquals(0, n.onset() % 60);
                assertEquals(0, n.duration() % 60);
                notes.add(new GridNote(t.drums() ? -1 : t.program(), n.pitch(), n.onset() / 60, n.duration() / 60,
                        n.velocity(), 0));
            }
        }
        notes.sort(ORDER);
        return notes;
    }

    /** Tempo values: the nearest of linspace(40, 250, 32) for the first, then each change to another value. */
    private static List<Double> quantizedTempos(Score score) {
        List<Double> bins = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            bins.add(Math.round((40 + i * 210.0 / 31) * 100) / 100.0);
        }
        List<Double> out = new ArrayList<>();
        for (TempoChange t : score.tempos()) {
            double bin = bins.stream().min(Comparator.comparingDouble(b -> Math.abs(b - t.bpm()))).orElseThrow();
            if (out.isEmpty() || out.get(out.size() - 1) != bin) {
                out.add(bin);
            }
        }
        return out;
    }
}
