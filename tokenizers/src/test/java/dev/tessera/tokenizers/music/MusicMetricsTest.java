package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The §6.3 metrics on hand-made inputs with known values, and their invariance under a subword round trip. */
class MusicMetricsTest {

    private static Score melody(int... pitches) {
        List<Note> notes = new ArrayList<>();
        for (int i = 0; i < pitches.length; i++) {
            notes.add(new Note(pitches[i], 100, i * 480L, 480));
        }
        return new Score(480, List.of(new Track(0, false, notes), new Track(0, true,
                List.of(new Note(36, 100, 0, 60), new Note(38, 100, 480, 60)))), List.of(), List.of());
    }

    @Test
    void pitchClassEntropyCountsOnsetsPerPitchClassWithoutDrums() {
        assertEquals(0.0, PitchClassEntropy.of(melody(60, 72, 48)), 1e-12);
        assertEquals(1.0, PitchClassEntropy.of(melody(60, 62, 72, 74)), 1e-12);
        assertEquals(Math.log(12) / Math.log(2), PitchClassEntropy.of(melody(60, 61, 62, 63, 64, 65, 66, 67, 68,
                69, 70, 71)), 1e-12);
        assertEquals(3.584962500721156, PitchClassEntropy.MAX_BITS, 1e-12);
        // p = (3/4, 1/4): H = 0.811278...
        assertEquals(0.8112781244591328, PitchClassEntropy.of(melody(60, 60, 60, 67)), 1e-12);
        assertEquals(0.0, PitchClassEntropy.of(new Score(480, List.of(), List.of(), List.of())));
    }

    @Test
    void sequenceLengthReductionAndRatesPerBarAndNote() {
        MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaults());
        // Four quarter notes a bar apart: per bar Bar, Position, Pitch, Velocity, Duration: 20 events in 4 bars.
        TokenSequence seq = remi.encode(new Score(480, List.of(new Track(0, false, List.of(new Note(60, 100, 0, 480),
                new Note(62, 100, 1920, 480), new Note(64, 100, 3840, 480), new Note(65, 100, 5760, 480)))),
                List.of(), List.of()));
        assertEquals(20, seq.size());
        SequenceLength length = SequenceLength.of(seq, new int[8]);
        assertEquals(new SequenceLength(20, 8, 4, 4), length);
        assertEquals(0.6, length.reduction(), 1e-12);
        assertEquals(5.0, length.baseTokensPerBar(), 1e-12);
        assertEquals(2.0, length.subwordTokensPerBar(), 1e-12);
        assertEquals(2.0, length.subwordTokensPerNote(), 1e-12);
        SequenceLength other = new SequenceLength(100, 90, 10, 30);
        assertEquals(new SequenceLength(120, 98, 14, 34), length.plus(other));
        assertEquals((0.6 + 0.1) / 2, SequenceLength.meanReduction(List.of(length, other)), 1e-12);
    }

    /** An N×N matrix: 1 where i − j is a multiple of {@code period}, the penalty elsewhere. */
    private static double[][] periodic(int n, int period) {
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = (i - j) % period == 0 ? 1 : StructureIndicator.PENALTY;
            }
        }
        return s;
    }

    @Test
    void fitnessOfAPhraseRepeatedKTimesIsKMinusOneOverK() {
        // Three copies of a 4-frame phrase: score (12 - 4) / 12 points, coverage (12 - 4) / 12 frames.
        double[] scratch = new double[12 * 5];
        assertEquals(2.0 / 3, StructureIndicator.fitness(periodic(12, 4), 0, 4, scratch), 1e-12);
        assertEquals(2.0 / 3, StructureIndicator.fitness(periodic(12, 4), 4, 4, scratch), 1e-12);
        double[] scratch5 = new double[20 * 6];
        assertEquals(3.0 / 4, StructureIndicator.fitness(periodic(20, 5), 5, 5, scratch5), 1e-12);
        // Nothing repeats: only the diagonal is similar.
        assertEquals(0.0, StructureIndicator.fitness(periodic(12, 100), 2, 4, scratch), 1e-12);
        // SI over 2–2.5 s at 2 frames a second: segments of 4 and 5 frames; the 4-frame phrase wins.
        assertEquals(2.0 / 3, StructureIndicator.ofMatrix(periodic(12, 4), new StructureIndicator.Range(2, 2.5), 2),
                1e-12);
    }

    @Test
    void repeatedPhrasesScoreHigherThanRandomNotes() {
        double phrases = 0;
        double random = 0;
        for (int seed = 1; seed <= 4; seed++) {
            // One 2-bar phrase (4 s at 120 BPM) eight times; random notes over 32 beats.
            phrases += StructureIndicator.of(RandomMidi.phrases(seed, 480, 2, 8), StructureIndicator.Range.SHORT);
            Score noise = RandomMidi.score(seed, 480, 1, false, 60, false);
            random += StructureIndicator.of(noise, StructureIndicator.Range.SHORT);
        }
        System.out.printf("SI 3-8 s: repeated phrases %.3f, random notes %.3f (mean of 4)%n", phrases / 4, random / 4);
        assertTrue(phrases / 4 > 0.6, "phrases " + phrases / 4);
        assertTrue(phrases / 4 > random / 4 + 0.3, "phrases " + phrases / 4 + ", random " + random / 4);
    }

    @Test
    void subwordRoundTripsLeavePitchClassEntropyAndStructureAsQuantized() {
        MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaults());
        List<Score> train = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            train.add(i % 2 == 0 ? RandomMidi.score(i, 480, 2, true, 60, false) : RandomMidi.phrases(i, 480, 2, 6));
        }
        List<TokenSequence> corpus = train.stream().map(remi::encode).toList();
        List<MusicSubwordTokenizer> tokenizers = List.of(
                MusicSubwordTokenizer.trainBpe(remi, corpus, WordSplit.BAR, 700),
                MusicSubwordTokenizer.trainUnigram(remi, corpus, WordSplit.BAR, 700, 16));
        for (int seed = 50; seed < 54; seed++) {
            Score heldOut = seed % 2 == 0 ? RandomMidi.phrases(seed, 384, 2, 5) : RandomMidi.score(seed, 96, 2, true, 50, false);
            TokenSequence events = remi.encode(heldOut);
            Score quantized = remi.decode(events.ids());
            double pce = PitchClassEntropy.of(quantized);
            double si = StructureIndicator.of(quantized, StructureIndicator.Range.SHORT);
            assertTrue(pce > 0);
            for (MusicSubwordTokenizer t : tokenizers) {
                Score back = t.decodeScore(t.encode(events));
                assertEquals(pce, PitchClassEntropy.of(back), 0.0, t.trainer());
                assertEquals(si, StructureIndicator.of(back, StructureIndicator.Range.SHORT), 0.0, t.trainer());
            }
        }
    }
}
