package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact event sequences for small hand-made scores, per-bar words, and the decoder's rules. */
class MusicTokenizerTest {

    private static final MusicTokenizerConfig DEFAULTS = MusicTokenizerConfig.defaults();
    private static final MusicTokenizer REMI = MusicTokenizer.remi(DEFAULTS);
    private static final MusicTokenizer TSD = MusicTokenizer.tsd(DEFAULTS);

    /** At 480 ticks a quarter: a short kick, C4 for a beat and E4 for half a beat at 0, G4 at beat 4¼ for 2 beats. */
    private static Score smallScore() {
        return new Score(480, List.of(
                new Track(0, false, List.of(new Note(60, 127, 0, 480), new Note(64, 63, 0, 240),
                        new Note(67, 99, 2040, 960))),
                new Track(0, true, List.of(new Note(36, 127, 0, 30)))),
                List.of(TempoChange.ofBpm(0, 100)), List.of(new TimeSignature(0, 4, 4)));
    }

    @Test
    void remiWritesBarsPositionsAndNotesDrumsFirst() {
        TokenSequence seq = REMI.encode(smallScore());
        assertEquals(List.of(
                "Bar_None", "Position_0",
                "PitchDrum_36", "Velocity_127", "Duration_0.1.8",
                "Pitch_60", "Velocity_127", "Duration_1.0.8",
                "Pitch_64", "Velocity_63", "Duration_0.4.8",
                "Bar_None", "Position_2",
                "Pitch_67", "Velocity_99", "Duration_2.0.8"), seq.tokens());
        assertEquals(List.of(seq.tokens().subList(0, 11), seq.tokens().subList(11, 16)), seq.words());
        assertEquals(REMI.vocabulary().id("Pitch_60"), seq.ids()[5]);
        assertEquals(seq.wordIds().get(1).length, 5);
    }

    @Test
    void tsdWritesTimeShiftsAndSplitsPerBarToo() {
        TokenSequence seq = TSD.encode(smallScore());
        assertEquals(List.of(
                "PitchDrum_36", "Velocity_127", "Duration_0.1.8",
                "Pitch_60", "Velocity_127", "Duration_1.0.8",
                "Pitch_64", "Velocity_63", "Duration_0.4.8",
                "TimeShift_4.1.4",
                "Pitch_67", "Velocity_99", "Duration_2.0.8"), seq.tokens());
        // The time shift starts in bar 0, so it ends bar 0's word.
        assertEquals(List.of(seq.tokens().subList(0, 10), seq.tokens().subList(10, 13)), seq.words());
    }

    @Test
    void longGapsChainTheLargestTimeShiftAndEmptyBarsGetOnlyABar() {
        // Two notes 30 beats and one step apart.
        Score score = new Score(8, List.of(new Track(0, false, List.of(new Note(60, 127, 0, 8), new Note(62, 127, 241, 8)))),
                List.of(), List.of());
        List<String> tsd = TSD.encode(score).tokens();
        assertEquals(List.of("TimeShift_12.0.4", "TimeShift_12.0.4", "TimeShift_6.0.4", "TimeShift_0.1.8"),
                tsd.subList(3, 7));
        TokenSequence remi = REMI.encode(score);
        assertEquals(8, remi.tokens().stream().filter("Bar_None"::equals).count());
        assertEquals(List.of("Bar_None"), remi.words().get(1));
        assertEquals(List.of("Bar_None", "Position_17", "Pitch_62", "Velocity_127", "Duration_1.0.8"), remi.words().get(7));
    }

    @Test
    void tempoEventsFollowThePositionWhereTheTempoChanges() {
        MusicTokenizer remi = MusicTokenizer.remi(DEFAULTS.withTempos(true));
        Score score = new Score(480, List.of(new Track(0, false, List.of(new Note(60, 127, 960, 480)))),
                List.of(TempoChange.ofBpm(0, 121), TempoChange.ofBpm(480, 120), TempoChange.ofBpm(960, 180)),
                List.of());
        // 121 and 120 BPM both snap to 121.29, so the change at beat 1 is not written.
        assertEquals(List.of("Bar_None", "Position_0", "Tempo_121.29", "Position_16", "Tempo_182.26",
                "Pitch_60", "Velocity_127", "Duration_1.0.8"), remi.encode(score).tokens());
        Score decoded = remi.decode(remi.encode(score).tokens());
        assertEquals(List.of(TempoChange.ofBpm(0, 121.29), TempoChange.ofBpm(960, 182.26)), decoded.tempos());
    }

    @Test
    void programsPrecedeEachNoteAndDrumsAreProgramMinusOne() {
        Score score = new Score(480, List.of(
                new Track(40, false, List.of(new Note(60, 127, 0, 480))),
                new Track(0, false, List.of(new Note(72, 127, 0, 480))),
                new Track(0, true, List.of(new Note(38, 127, 0, 480)))), List.of(), List.of());
        MusicTokenizerConfig config = MusicTokenizerConfig.defaultsFor(score);
        assertTrue(config.programs());
        List<String> tokens = MusicTokenizer.remi(config).encode(score).tokens();
        assertEquals(List.of("Bar_None", "Position_0",
                "Program_-1", "PitchDrum_38", "Velocity_127", "Duration_1.0.8",
                "Program_0", "Pitch_72", "Velocity_127", "Duration_1.0.8",
                "Program_40", "Pitch_60", "Velocity_127", "Duration_1.0.8"), tokens);
        Score decoded = MusicTokenizer.remi(config).decode(tokens);
        assertEquals(List.of(true, false, false), decoded.tracks().stream().map(Track::drums).toList());
        assertEquals(List.of(0, 0, 40), decoded.tracks().stream().map(Track::program).toList());
    }

    @Test
    void withoutProgramsMelodicTracksMergeIntoProgramZero() {
        Score score = new Score(480, List.of(
                new Track(40, false, List.of(new Note(60, 127, 0, 480))),
                new Track(7, false, List.of(new Note(64, 127, 0, 480)))), List.of(), List.of());
        assertTrue(!MusicTokenizerConfig.defaultsFor(new Score(480, score.tracks().subList(0, 1), List.of(), List.of())).programs());
        Score decoded = REMI.decode(REMI.encode(score).tokens());
        assertEquals(List.of(new Track(0, false, List.of(new Note(60, 127, 0, 480), new Note(64, 127, 0, 480)))),
                decoded.tracks());
    }

    @Test
    void outOfRangePitchesAndDuplicateOnsetsAreDroppedKeepingTheLongest() {
        Score score = new Score(480, List.of(new Track(0, false, List.of(
                new Note(20, 100, 0, 480),     // below A0
                new Note(109, 100, 0, 480),    // above C8
                new Note(60, 100, 0, 240),
                new Note(60, 90, 10, 960),     // same grid onset and pitch, longer: kept
                new Note(60, 80, 30, 480)))),  // 30 ticks = half a step: rounds up to step 1, a different onset
                List.of(), List.of());
        assertEquals(List.of("Bar_None", "Position_0", "Pitch_60", "Velocity_91", "Duration_2.0.8",
                "Position_1", "Pitch_60", "Velocity_79", "Duration_1.0.8"), REMI.encode(score).tokens());
    }

    @Test
    void decoderSkipsIncompleteNotesAndIgnoresSpecials() {
        Score decoded = REMI.decode(List.of("BOS_None", "Bar_None", "Position_4", "Pitch_60", "Velocity_127",
                "Pitch_62", "Duration_1.0.8",              // pitch 62 has no velocity: skipped
                "Position_8", "Pitch_64", "Position_9",   // pitch 64 interrupted: skipped
                "Pitch_65", "Velocity_3", "Duration_0.1.8", "EOS_None", "PAD_None"));
        assertEquals(List.of(new Note(65, 3, 9 * 60, 60)), decoded.tracks().get(0).notes());
        assertEquals(List.of(new TempoChange(0, 500_000)), decoded.tempos());
        assertEquals(480, decoded.ticksPerQuarter());
    }

    @Test
    void decodingIdsEqualsDecodingTokensAndForeignEventsAreRejected() {
        TokenSequence seq = TSD.encode(smallScore());
        assertEquals(TSD.decode(seq.tokens()), TSD.decode(seq.ids()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TSD.decode(List.of("Bar_None")));
        assertEquals("'Bar_None' is not an event of this tokenizer's vocabulary", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TSD.decode(new int[] {-1}));
    }

    @Test
    void absurdlyLongScoresAreRejectedBeforeAnyEventIsMade() {
        Score score = new Score(1, List.of(new Track(0, false, List.of(new Note(60, 100, 1L << 40, 1)))),
                List.of(), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TSD.encode(score));
        assertTrue(e.getMessage().contains("at most 262,144 beats"), e.getMessage());
    }

    @Test
    void wordsConcatenateToTheSequenceAndHoldNoSpecials() {
        Score score = RandomMidi.score(7, 480, 3, true, 40, false);
        for (MusicTokenizer t : List.of(REMI, TSD)) {
            TokenSequence seq = t.encode(score);
            List<String> joined = new ArrayList<>();
            seq.words().forEach(joined::addAll);
            assertEquals(seq.tokens(), joined);
            assertTrue(seq.words().stream().flatMap(List::stream).noneMatch(MusicVocabulary.SPECIALS::contains));
            for (int i = 1; i < seq.size(); i++) {
                assertTrue(seq.bar(i) >= seq.bar(i - 1));
            }
        }
        assertTrue(REMI.words(score).stream().allMatch(w -> w.get(0).equals("Bar_None")));
    }
}
