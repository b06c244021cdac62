package dev.tessera.tokenizers.music;

import static dev.tessera.tokenizers.music.ScoreAssertions.notesByInstrument;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import javax.sound.midi.MidiSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MidiWritingTest {

    @Test
    void randomFormat0FilesAreReadNoteForNote() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Score score = RandomMidi.score(seed, 384, 3, true, 60, true);
            Score read = MidiFiles.read(RandomMidi.format0(score));
            assertEquals(notesByInstrument(score), notesByInstrument(read), "seed " + seed);
            assertEquals(score.tempos(), read.tempos(), "seed " + seed);
        }
    }

    @Test
    void writingThenReadingKeepsNotesTemposAndTimeSignatures(@TempDir Path dir) throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Score score = RandomMidi.score(seed, 96, 4, true, 80, true);
            Path file = dir.resolve("score" + seed + ".mid");
            MidiFiles.write(score, file);
            Score read = MidiFiles.read(file);
            assertEquals(notesByInstrument(score), notesByInstrument(read), "seed " + seed);
            assertEquals(score.tempos(), read.tempos());
            assertEquals(score.timeSignatures(), read.timeSignatures());
            assertEquals(96, read.ticksPerQuarter());
            assertEquals(1, MidiSystem.getMidiFileFormat(file.toFile()).getType());
        }
    }

    @Test
    void aNoteInsideAnotherOfThePitchGoesToAnExtraTrackAndKeepsItsSpan() throws Exception {
        // B lies strictly inside A: one MIDI track would pair A's note-on with B's note-off.
        Note a = new Note(60, 90, 0, 400);
        Note b = new Note(60, 70, 100, 100);
        Note c = new Note(64, 80, 100, 100);
        Score score = new Score(96, List.of(new Track(0, false, List.of(a, b, c))), List.of(), List.of());

        assertEquals(List.of(List.of(a, c), List.of(b)), MidiFiles.fifoLayers(score.tracks().get(0).notes()));
        assertEquals(3, MidiFiles.toSequence(score).getTracks().length); // conductor + two layers
        assertEquals(notesByInstrument(score), notesByInstrument(MidiFiles.read(MidiFiles.toBytes(score))));
    }

    @Test
    void zeroLengthNotesAndNotesStartingAsAnotherEndsSurvive() throws Exception {
        List<Note> notes = List.of(
                new Note(50, 60, 0, 0),     // zero length at 0, before a note of the same pitch at 0
                new Note(50, 61, 0, 48),
                new Note(50, 62, 48, 48),   // starts as the previous one ends
                new Note(50, 63, 96, 0),    // zero length where the previous one ends
                new Note(52, 64, 24, 0));   // zero length inside nothing
        Score score = new Score(24, List.of(new Track(3, false, notes)), List.of(), List.of());

        assertEquals(1, MidiFiles.fifoLayers(notes).size());
        assertEquals(notesByInstrument(score), notesByInstrument(MidiFiles.read(MidiFiles.toBytes(score))));
    }
}
