package dev.tessera.tokenizers.music;

import static dev.tessera.tokenizers.music.SmfBytes.END_OF_TRACK;
import static dev.tessera.tokenizers.music.SmfBytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MidiReadingTest {

    @Test
    void format0WithRunningStatusAndVelocityZeroNoteOffs() throws Exception {
        // One track, 96 ticks per quarter: C4 and E4 as a chord, then G4, all with running status and
        // note-on velocity 0 as note-off.
        byte[] file = SmfBytes.header(0, 1, 96).track(concat(new int[] {
                0x00, 0xC0, 5,              // program 5 on channel 1
                0x00, 0x90, 60, 100,        // C4 on
                0x00, 64, 90,               // E4 on (running status)
                0x60, 60, 0,                // C4 off at 96 (velocity 0)
                0x00, 64, 0,                // E4 off at 96
                0x00, 67, 80,               // G4 on at 96
                0x81, 0x40, 67, 0,          // G4 off at 96 + 192 (two-byte delta)
        }, END_OF_TRACK)).bytes();

        Score score = MidiFiles.read(file);

        assertEquals(96, score.ticksPerQuarter());
        assertEquals(1, score.tracks().size());
        Track track = score.tracks().get(0);
        assertEquals(5, track.program());
        assertEquals(false, track.drums());
        assertEquals(List.of(new Note(60, 100, 0, 96), new Note(64, 90, 0, 96), new Note(67, 80, 96, 192)),
                track.notes());
    }

    @Test
    void format1TempoTimeSignatureAndNotesInSeparateTracks() throws Exception {
        byte[] file = SmfBytes.header(1, 2, 480)
                .track(concat(new int[] {
                        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,   // 500,000 µs = 120 BPM at 0
                        0x00, 0xFF, 0x58, 0x04, 3, 2, 24, 8,        // 3/4 at 0
                        0x83, 0x60, 0xFF, 0x51, 0x03, 0x09, 0x27, 0xC0, // 600,000 µs = 100 BPM at 480
                }, END_OF_TRACK))
                .track(concat(new int[] {
                        0x00, 0x91, 48, 70,          // channel 2
                        0x83, 0x60, 0x81, 48, 0,     // note-off (0x81) at 480
                }, END_OF_TRACK))
                .bytes();

        Score score = MidiFiles.read(file);

        assertEquals(List.of(new TempoChange(0, 500_000), new TempoChange(480, 600_000)), score.tempos());
        assertEquals(100.0, score.tempos().get(1).bpm(), 1e-9);
        assertEquals(List.of(new TimeSignature(0, 3, 4)), score.timeSignatures());
        assertEquals(List.of(new Track(0, false, List.of(new Note(48, 70, 0, 480)))), score.tracks());
    }

    @Test
    void overlappingNotesOfOnePitchCloseFirstInFirstOut() throws Exception {
        // Two D4s: the second starts at 10 while the first sounds; the offs come at 20 and 30.
        byte[] file = SmfBytes.header(0, 1, 24).track(concat(new int[] {
                0x00, 0x90, 62, 50,
                0x0A, 0x90, 62, 60,
                0x0A, 0x80, 62, 0,
                0x0A, 0x80, 62, 0,
        }, END_OF_TRACK)).bytes();

        List<Note> notes = MidiFiles.read(file).tracks().get(0).notes();

        // The first off closes the oldest note.
        assertEquals(List.of(new Note(62, 50, 0, 20), new Note(62, 60, 10, 20)), notes);
    }

    @Test
    void endOfTrackClosesNotesLeftOpenAndStrayOffsAreIgnored() throws Exception {
        byte[] file = SmfBytes.header(0, 1, 24).track(
                0x00, 0x80, 40, 0,        // off with nothing open: ignored
                0x00, 0x90, 40, 90,       // never switched off
                0x30, 0xFF, 0x2F, 0x00    // end of track at 48
        ).bytes();

        assertEquals(List.of(new Note(40, 90, 0, 48)), MidiFiles.read(file).tracks().get(0).notes());
    }

    @Test
    void channelTenIsDrumsAndProgramChangesSplitTracks() throws Exception {
        byte[] file = SmfBytes.header(0, 1, 24).track(concat(new int[] {
                0x00, 0x99, 36, 100,        // kick on channel 10
                0x00, 0x90, 60, 80,         // piano (program 0 by default)
                0x06, 0x89, 36, 0,
                0x06, 0x80, 60, 0,
                0x00, 0xC0, 40,             // violin from tick 12
                0x00, 0x90, 60, 80,
                0x0C, 0x80, 60, 0,
        }, END_OF_TRACK)).bytes();

        List<Track> tracks = MidiFiles.read(file).tracks();

        assertEquals(List.of(
                new Track(0, true, List.of(new Note(36, 100, 0, 6))),
                new Track(0, false, List.of(new Note(60, 80, 0, 12))),
                new Track(40, false, List.of(new Note(60, 80, 12, 12)))), tracks);
    }

    @Test
    void metaAndSysexEventsAreSkippedAndUnknownChunksIgnored() throws Exception {
        byte[] file = SmfBytes.header(0, 1, 24)
                .chunk("XFIH", 3, 1, 2, 3)                            // a vendor chunk before the track
                .track(concat(new int[] {
                        0x00, 0xFF, 0x03, 0x04, 'L', 'e', 'a', 'd',    // track name
                        0x00, 0xF0, 0x03, 0x7E, 0x7F, 0xF7,            // SysEx
                        0x00, 0xB0, 64, 127,                          // sustain pedal: dropped
                        0x00, 0x90, 72, 64,
                        0x18, 0x80, 72, 0,
                }, END_OF_TRACK))
                .raw(0, 0, 0)                                         // stray bytes after the last track
                .bytes();

        assertEquals(List.of(new Note(72, 64, 0, 24)), MidiFiles.read(file).tracks().get(0).notes());
    }

    @Test
    void aTrackWithoutEndOfTrackIsReadToItsChunkEnd() throws Exception {
        byte[] file = SmfBytes.header(0, 1, 24).track(0x00, 0x90, 72, 64, 0x18, 0x80, 72, 0).bytes();

        assertEquals(List.of(new Note(72, 64, 0, 24)), MidiFiles.read(file).tracks().get(0).notes());
    }

    @Test
    void eventsAfterEndOfTrackInTheSameChunkAreIgnored() throws Exception {
        byte[] file = SmfBytes.header(0, 1, 24).track(concat(
                new int[] {0x00, 0x90, 72, 64, 0x18, 0x80, 72, 0}, END_OF_TRACK,
                new int[] {0x00, 0x90, 74, 64})).bytes();

        Score score = MidiFiles.read(file);
        assertEquals(1, score.noteCount());
        assertTrue(score.tracks().get(0).notes().stream().allMatch(n -> n.pitch() == 72));
    }
}
