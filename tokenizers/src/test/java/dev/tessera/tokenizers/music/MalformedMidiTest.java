package dev.tessera.tokenizers.music;

import static dev.tessera.tokenizers.music.SmfBytes.END_OF_TRACK;
import static dev.tessera.tokenizers.music.SmfBytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.music.MidiFormatException.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every damaged file is rejected with its own code and a message that says where, never a hang or an OOM. */
class MalformedMidiTest {

    private static final int[] ONE_NOTE = concat(new int[] {0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0}, END_OF_TRACK);

    private static MidiFormatException rejected(byte[] file, Code code, String... messageParts) {
        MidiFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(MidiFormatException.class, () -> MidiFiles.read(file)));
        assertEquals(code, e.code(), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
        }
        return e;
    }

    @Test
    void emptyFileIsNotMidi() {
        rejected(new byte[0], Code.NOT_MIDI, "empty");
    }

    @Test
    void riffWaveIsNotMidi() {
        rejected(new SmfBytes().raw('R', 'I', 'F', 'F', 0, 0, 0, 4, 'W', 'A', 'V', 'E').bytes(), Code.NOT_MIDI,
                "52 49 46 46", "'RIFF'", "not the 'MThd' header");
    }

    @Test
    void headerCutShort() {
        rejected(new SmfBytes().raw('M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1).bytes(), Code.TRUNCATED, "14-byte");
    }

    @Test
    void headerLengthBelowSix() {
        byte[] file = new SmfBytes().raw('M', 'T', 'h', 'd').u32(4).u16(0).u16(1).u16(96).track(ONE_NOTE).bytes();
        rejected(file, Code.BAD_HEADER, "declares 4 bytes", "at least 6");
    }

    @Test
    void headerLengthBeyondTheFile() {
        byte[] file = new SmfBytes().raw('M', 'T', 'h', 'd').u32(0xFFFF_FFF0L).u16(0).u16(1).u16(96).bytes();
        rejected(file, Code.TRUNCATED, "MThd header declares 4294967280 bytes");
    }

    @Test
    void formatTwoIsUnsupportedAndFormatSevenUnknown() {
        rejected(SmfBytes.header(2, 1, 96).track(ONE_NOTE).bytes(), Code.UNSUPPORTED, "format 2", "format 1");
        rejected(SmfBytes.header(7, 1, 96).track(ONE_NOTE).bytes(), Code.BAD_HEADER, "format 7");
    }

    @Test
    void trackCountsThatCannotBe() {
        rejected(SmfBytes.header(1, 0, 96).bytes(), Code.BAD_HEADER, "0 tracks");
        rejected(SmfBytes.header(0, 2, 96).track(ONE_NOTE).track(ONE_NOTE).bytes(), Code.BAD_HEADER,
                "format 0 file has exactly one track");
        // The JDK would read 0x8000 as a negative count and return an empty sequence.
        rejected(SmfBytes.header(1, 0x8000, 96).track(ONE_NOTE).bytes(), Code.BAD_HEADER, "32768 tracks");
    }

    @Test
    void smpteAndZeroDivisions() {
        rejected(SmfBytes.header(0, 1, 0xE728).track(ONE_NOTE).bytes(), Code.UNSUPPORTED, "SMPTE", "25 frames");
        rejected(SmfBytes.header(0, 1, 0).track(ONE_NOTE).bytes(), Code.BAD_HEADER, "0 ticks per quarter");
    }

    @Test
    void fewerTracksThanDeclared() {
        rejected(SmfBytes.header(1, 3, 96).track(ONE_NOTE).track(ONE_NOTE).bytes(), Code.TRUNCATED,
                "declares 3 tracks", "ends after 2");
    }

    @Test
    void truncatedTrackIsReportedNotDropped() {
        // Declares 12 bytes, holds 8: the JDK alone would return a sequence without this track.
        byte[] full = SmfBytes.header(0, 1, 96).track(ONE_NOTE).bytes();
        byte[] cut = Arrays.copyOf(full, full.length - 4);
        rejected(cut, Code.TRUNCATED, "track 1 of 1 at byte 14", "declares 12 bytes but only 8 remain");
    }

    @Test
    void absurdChunkLengthIsABadLengthNotAnAllocation() {
        byte[] file = SmfBytes.header(0, 1, 96).chunk("MTrk", 0xFFFF_FFF0L, ONE_NOTE).bytes();
        rejected(file, Code.BAD_LENGTH, "declares 4,294,967,280 bytes");
    }

    @Test
    void runningStatusAtTheStartOfATrack() {
        byte[] file = SmfBytes.header(0, 1, 96).track(concat(new int[] {0x00, 60, 100}, END_OF_TRACK)).bytes();
        rejected(file, Code.RUNNING_STATUS, "track 1, byte 23", "data byte 0x3C", "first event of the track");
    }

    @Test
    void runningStatusAfterAMetaEvent() {
        // The JDK would read "60 100 ..." as another meta event of type 100.
        byte[] file = SmfBytes.header(0, 1, 96).track(concat(new int[] {
                0x00, 0x90, 60, 100,
                0x00, 0xFF, 0x01, 0x01, 'x',
                0x10, 60, 0,
        }, END_OF_TRACK)).bytes();
        rejected(file, Code.RUNNING_STATUS, "meta or SysEx event, which cancels it");
    }

    @Test
    void metaAndSysexLengthsPastTheTrack() {
        rejected(SmfBytes.header(0, 1, 96).track(0x00, 0xFF, 0x01, 0x7F, 'a', 'b').bytes(), Code.BAD_LENGTH,
                "meta event 0x01 declares 127 bytes but the track has 2 left");
        rejected(SmfBytes.header(0, 1, 96).track(0x00, 0xF0, 0x8F, 0xFF, 0xFF, 0x7F, 0x01).bytes(), Code.BAD_LENGTH,
                "SysEx event declares 33,554,431 bytes");
    }

    @Test
    void variableLengthNumberOverFourBytes() {
        byte[] file = SmfBytes.header(0, 1, 96).track(concat(new int[] {0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 60, 1},
                END_OF_TRACK)).bytes();
        rejected(file, Code.BAD_LENGTH, "delta time runs over 4 bytes");
    }

    @Test
    void eventCutByTheEndOfItsTrack() {
        rejected(SmfBytes.header(0, 1, 96).track(0x00, 0x90, 60).bytes(), Code.TRUNCATED,
                "track 1 ends at byte 25 in the middle of a channel message");
        rejected(SmfBytes.header(0, 1, 96).track(0x00, 0x90, 60, 100, 0x81).bytes(), Code.TRUNCATED, "delta time");
    }

    @Test
    void statusBytesThatCannotBeInAFile() {
        rejected(SmfBytes.header(0, 1, 96).track(concat(new int[] {0x00, 0xF8}, END_OF_TRACK)).bytes(), Code.BAD_EVENT,
                "0xF8", "real-time");
        rejected(SmfBytes.header(0, 1, 96).track(concat(new int[] {0x00, 0x90, 60, 0x90, 0x00}, END_OF_TRACK)).bytes(),
                Code.BAD_EVENT, "missing a data byte");
    }

    @Test
    void filesOverTheSizeLimitAreRejectedBeforeParsing(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.mid");
        byte[] bytes = new byte[SmfValidator.MAX_FILE_BYTES + 1];
        System.arraycopy(SmfBytes.header(0, 1, 96).bytes(), 0, bytes, 0, 14);
        Files.write(big, bytes);
        MidiFormatException e = assertThrows(MidiFormatException.class, () -> MidiFiles.read(big));
        assertEquals(Code.TOO_LARGE, e.code());
        assertTrue(e.getMessage().startsWith(big.toString()), e.getMessage());
        rejected(bytes, Code.TOO_LARGE, "8,388,609 bytes");
    }

    @Test
    void tooManyEventsAreRejected() {
        // 2,000,001 one-byte running-status note-ons (delta 0, pitch, velocity): 6 MB, under the size limit.
        int n = SmfValidator.MAX_EVENTS + 1;
        byte[] body = new byte[4 + 3 * n];
        body[1] = (byte) 0x90;
        body[2] = 60;
        body[3] = 1;
        for (int i = 4; i < body.length; i += 3) {
            body[i + 1] = 60;
            body[i + 2] = 1;
        }
        SmfBytes s = SmfBytes.header(0, 1, 96).chunk("MTrk", body.length);
        byte[] head = s.bytes();
        byte[] file = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, file, head.length, body.length);
        rejected(file, Code.TOO_LARGE, "more than 2,000,000 events");
    }

    @Test
    void theJdkParserAloneDropsATruncatedTrackSilently() throws Exception {
        // Why SmfValidator exists (JDK 17): the same bytes as truncatedTrackIsReportedNotDropped.
        byte[] full = SmfBytes.header(0, 1, 96).track(ONE_NOTE).bytes();
        byte[] cut = Arrays.copyOf(full, full.length - 4);
        javax.sound.midi.Sequence sequence = javax.sound.midi.MidiSystem.getSequence(new java.io.ByteArrayInputStream(cut));
        assertEquals(0, sequence.getTracks().length);
    }

    @Test
    void theJdkParserAloneReadsRunningStatusAfterAMetaEventAsAnotherMetaEvent() throws Exception {
        // Spec §8 asked how javax.sound.midi treats running status across meta events: it keeps 0xFF as
        // the status, so the data bytes "60 0 ..." become a meta event of type 0 and the note-off is lost.
        byte[] file = SmfBytes.header(0, 1, 96).track(concat(new int[] {
                0x00, 0x90, 60, 100,
                0x00, 0xFF, 0x01, 0x01, 'x',
                0x10, 60, 0, 0x00,
        }, END_OF_TRACK)).bytes();
        javax.sound.midi.Track track = javax.sound.midi.MidiSystem.getSequence(new java.io.ByteArrayInputStream(file))
                .getTracks()[0];
        javax.sound.midi.MidiMessage third = track.get(2).getMessage();
        assertTrue(third instanceof javax.sound.midi.MetaMessage meta && meta.getType() == 0, "got " + third);
    }

    @Test
    void randomDamageOnlyEverRaisesMidiFormatException() {
        // 3,000 mutations of a small valid file (fixed seed): each is read or rejected with our exception;
        // nothing else escapes (no RuntimeException, no OutOfMemoryError), and none takes long.
        byte[] valid = SmfBytes.header(1, 2, 96)
                .track(concat(new int[] {0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20}, END_OF_TRACK))
                .track(concat(new int[] {0x00, 0xC0, 5, 0x00, 0x90, 60, 100, 0x10, 64, 90, 0x20, 60, 0,
                        0x00, 0xF0, 0x02, 0x01, 0xF7, 0x10, 0x80, 64, 0}, END_OF_TRACK))
                .bytes();
        Random random = new Random(20240607L);
        int rejectedCount = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            }
            try {
                MidiFiles.read(damaged);
            } catch (MidiFormatException e) {
                rejectedCount++;
            }
        }
        assertTrue(rejectedCount > 1000, "most damage should be caught, got " + rejectedCount);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "3,000 small files should take well under 20 s");
    }
}
