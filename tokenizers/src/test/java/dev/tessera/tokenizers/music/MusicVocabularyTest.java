package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.music.MusicTokenizerConfig.BeatRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class MusicVocabularyTest {

    private static final MusicTokenizerConfig DEFAULTS = MusicTokenizerConfig.defaults();

    @Test
    void remiDefaultVocabularyHasMidiTokSizesAndStableIds() {
        MusicVocabulary v = MusicTokenizer.remi(DEFAULTS).vocabulary();
        // 4 specials + Bar_None + 88 pitches + 32 velocities + 64 durations + 32 positions + 62 drum pitches
        assertEquals(4 + 1 + 88 + 32 + 64 + 32 + 62, v.size());
        assertEquals(List.of("PAD_None", "BOS_None", "EOS_None", "MASK_None", "Bar_None", "Pitch_21"),
                v.tokens().subList(0, 6));
        assertEquals(5 + 60 - 21, v.id("Pitch_60"));
        assertEquals("Velocity_3", v.token(v.id("Pitch_108") + 1));
        assertTrue(v.contains("Velocity_127"));
        assertTrue(v.contains("Duration_0.1.8"));   // one grid step
        assertTrue(v.contains("Duration_1.0.8"));   // one beat, spelled as the spec says
        assertTrue(v.contains("Duration_4.0.4"));
        assertTrue(v.contains("Duration_12.0.4"));  // the longest
        assertFalse(v.contains("Duration_4.1.8"));  // past 4 beats the grid is 1/4 beat
        assertEquals("Position_31", v.token(v.id("Position_0") + 31));
        assertEquals("PitchDrum_88", v.token(v.size() - 1));
        assertFalse(v.contains("Tempo_40.0"));
        assertFalse(v.contains("Program_0"));
    }

    @Test
    void tsdVocabularyHasTimeShiftsInsteadOfBarsAndPositions() {
        MusicVocabulary v = MusicTokenizer.tsd(DEFAULTS).vocabulary();
        assertEquals(4 + 88 + 32 + 64 + 64 + 62, v.size());
        assertEquals(4, v.id("Pitch_21"));
        assertTrue(v.contains("TimeShift_0.1.8"));
        assertTrue(v.contains("TimeShift_12.0.4"));
        assertFalse(v.contains("Bar_None"));
        assertFalse(v.contains("Position_0"));
    }

    @Test
    void tempoAndProgramEventsWhenOn() {
        MusicVocabulary v = MusicTokenizer.remi(DEFAULTS.withTempos(true).withPrograms(true)).vocabulary();
        assertEquals(283 + 32 + 129, v.size());
        List<String> tempos = v.tokens().stream().filter(t -> t.startsWith("Tempo_")).toList();
        assertEquals(32, tempos.size());
        // np.linspace(40, 250, 32).round(2): 40, 46.77, 53.55, ..., 250
        assertEquals(List.of("Tempo_40.0", "Tempo_46.77", "Tempo_53.55"), tempos.subList(0, 3));
        assertEquals("Tempo_250.0", tempos.get(31));
        assertEquals("Program_-1", v.token(v.id("Program_0") - 1));
        assertEquals("Program_127", v.token(v.size() - 1));
    }

    @Test
    void unknownEventsAndIdsAreRejectedWithTheirName() {
        MusicVocabulary v = MusicTokenizer.remi(DEFAULTS).vocabulary();
        assertEquals("'Pitch_12' is not an event of this vocabulary",
                assertThrows(IllegalArgumentException.class, () -> v.id("Pitch_12")).getMessage());
        assertEquals("id 283 is outside this vocabulary of 283 events",
                assertThrows(IllegalArgumentException.class, () -> v.token(283)).getMessage());
    }

    @Test
    void configurationsThatCannotWorkAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MusicTokenizerConfig(
                21, 108, 27, 88, 8, List.of(new BeatRange(0, 4, 4)), 32, 32, 40, 250, false, false, 480));
        assertTrue(e.getMessage().contains("must equal positionsPerBeat (8)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MusicTokenizerConfig(
                21, 108, 27, 88, 8, List.of(new BeatRange(0, 4, 8), new BeatRange(5, 8, 4)), 32, 32, 40, 250, false,
                false, 480));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MusicTokenizerConfig(
                21, 108, 27, 88, 8, List.of(new BeatRange(0, 4, 8), new BeatRange(4, 8, 3)), 32, 32, 40, 250, false,
                false, 480));
        assertTrue(e.getMessage().contains("must divide positionsPerBeat"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MusicTokenizerConfig(
                21, 108, 27, 88, 8, List.of(new BeatRange(0, 4, 8)), 32, 32, 40, 250, false, false, 100));
        assertTrue(e.getMessage().contains("multiple of positionsPerBeat"), e.getMessage());
        // 64 positions a beat up to 200 beats is over 9,568 events.
        e = assertThrows(IllegalArgumentException.class, () -> MusicTokenizer.tsd(new MusicTokenizerConfig(
                21, 108, 27, 88, 64, List.of(new BeatRange(0, 200, 64)), 32, 32, 40, 250, false, false, 960)));
        assertTrue(e.getMessage().contains("fewer than 9568"), e.getMessage());
    }
}
