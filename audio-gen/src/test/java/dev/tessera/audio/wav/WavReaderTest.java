package dev.tessera.audio.wav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.AudioInputException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavReaderTest {

    private final WavReader reader = new WavReader();

    @Test
    void pcm16IsScaledByTwoToTheFifteen() {
        byte[] wav = WavBytes.riff().fmt(1, 1, 22050, 16).dataHeader(8).pcm16(0, 16384, 0x8000, 0x7FFF).bytes();
        WavAudio a = reader.read(wav);
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 32767f / 32768f}, a.samples(), 0f);
        assertEquals(22050, a.sampleRate());
        assertEquals(WavEncoding.PCM_16, a.encoding());
        assertTrue(a.warnings().isEmpty());
    }

    @Test
    void pcm24IsSignExtendedAndScaledByTwoToTheTwentyThree() {
        byte[] wav = WavBytes.riff().fmt(1, 1, 16000, 24).dataHeader(12)
                .u24(0x800000).u24(0x7FFFFF).u24(0x000001).u24(0xFFFFFF).bytes();
        float[] s = reader.read(wav).samples();
        assertArrayEquals(new float[] {-1f, (float) (8388607 / 8388608.0), (float) (1 / 8388608.0),
            (float) (-1 / 8388608.0)}, s, 0f);
    }

    @Test
    void pcm32AndFloat32AreScaledAndFloatIsNotClipped() {
        byte[] pcm32 = WavBytes.riff().fmt(1, 1, 48000, 32).dataHeader(8).u32(0x80000000L).u32(0x40000000L).bytes();
        assertArrayEquals(new float[] {-1f, 0.5f}, reader.read(pcm32).samples(), 0f);
        byte[] f32 = WavBytes.riff().fmt(3, 1, 48000, 32).dataHeader(12).f32(1.5f).f32(-2.25f).f32(0.125f).bytes();
        WavAudio a = reader.read(f32);
        assertArrayEquals(new float[] {1.5f, -2.25f, 0.125f}, a.samples(), 0f);
        assertEquals(WavEncoding.FLOAT_32, a.encoding());
    }

    @Test
    void stereoIsAveragedToMono() {
        byte[] wav = WavBytes.riff().fmt(1, 2, 44100, 16).dataHeader(8).pcm16(16384, 0, 0x8000, 0x8000).bytes();
        WavAudio a = reader.read(wav);
        assertArrayEquals(new float[] {0.25f, -1f}, a.samples(), 0f);
        assertEquals(2, a.channels());
    }

    @Test
    void extensibleGuidSelectsPcmOrFloat() {
        byte[] pcm = WavBytes.riff().fmtExtensible(1, 2, 96000, 24).dataHeader(6).u24(0x400000).u24(0x400000)
                .bytes();
        assertArrayEquals(new float[] {0.5f}, reader.read(pcm).samples(), 0f);
        byte[] flt = WavBytes.riff().fmtExtensible(3, 1, 8000, 32).dataHeader(4).f32(-0.75f).bytes();
        WavAudio a = reader.read(flt);
        assertArrayEquals(new float[] {-0.75f}, a.samples(), 0f);
        assertEquals(WavEncoding.FLOAT_32, a.encoding());
        byte[] alawInside = WavBytes.riff().fmtExtensible(6, 1, 8000, 32).dataHeader(4).f32(0f).bytes();
        assertRejected(alawInside, Reason.UNSUPPORTED_ENCODING, "A-law");
    }

    @Test
    void unknownChunksAreSkippedWithTheirPadByte() {
        byte[] wav = WavBytes.riff()
                .chunk("LIST", new byte[] {1, 2, 3}) // odd size: one pad byte follows
                .fmt(1, 1, 22050, 16)
                .chunk("junk", new byte[] {9, 9, 9, 9, 9})
                .dataHeader(4).pcm16(8192, 0xE000)
                .chunk("id3 ", new byte[] {7})
                .bytes();
        assertArrayEquals(new float[] {0.25f, -0.25f}, reader.read(wav).samples(), 0f);
    }

    @Test
    void fmtAfterDataIsFound() {
        byte[] wav = WavBytes.riff().dataHeader(2).pcm16(16384).fmt(1, 1, 8000, 16).bytes();
        assertArrayEquals(new float[] {0.5f}, reader.read(wav).samples(), 0f);
    }

    @Test
    void dataSizeZeroOrAllOnesMeansReadToTheEnd() {
        for (long declared : new long[] {0L, 0xFFFFFFFFL}) {
            byte[] wav = WavBytes.riff().fmt(1, 1, 22050, 16).dataHeader(declared).pcm16(16384, 16384, 16384).bytes();
            WavAudio a = reader.read(wav);
            assertEquals(3, a.frames(), "declared " + declared);
            assertTrue(a.warnings().isEmpty());
        }
    }

    @Test
    void truncatedDataYieldsWholeFramesWithAWarning() {
        // 10 stereo frames declared (40 bytes), 4.5 present (18 bytes).
        WavBytes w = WavBytes.riff().fmt(1, 2, 22050, 16).dataHeader(40);
        for (int i = 0; i < 9; i++) {
            w.pcm16(8192);
        }
        WavAudio a = reader.read(w.bytes());
        assertEquals(4, a.frames());
        assertEquals(1, a.warnings().size());
        assertTrue(a.warnings().get(0).contains("declares 40 bytes but only 18"), a.warnings().get(0));
    }

    @Test
    void readsFromAFileThroughAMemoryMap(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.wav");
        Files.write(f, WavBytes.riff().fmt(1, 1, 24000, 16).dataHeader(4).pcm16(16384, 0x8000).bytes());
        assertArrayEquals(new float[] {0.5f, -1f}, reader.read(f).samples(), 0f);
    }

    @Test
    void nonWavBytesAreRejected() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        assertRejected(png, Reason.NOT_WAV, "expected 'RIFF' at byte 0, found bytes 89 50 4E 47");
        assertRejected("OggS and more".getBytes(), Reason.NOT_WAV, "found 'OggS'");
        assertRejected(new byte[] {'R', 'I'}, Reason.NOT_WAV, "only 2 bytes");
        byte[] avi = WavBytes.riff().bytes();
        avi[8] = 'A';
        avi[9] = 'V';
        avi[10] = 'I';
        avi[11] = ' ';
        assertRejected(avi, Reason.NOT_WAV, "type 'AVI '");
    }

    @Test
    void truncatedHeadersAreRejected() {
        byte[] whole = WavBytes.riff().fmt(1, 1, 22050, 16).dataHeader(4).pcm16(1, 2).bytes();
        assertRejected(Arrays.copyOf(whole, 10), Reason.TRUNCATED_HEADER, "inside the 12-byte RIFF header");
        assertRejected(Arrays.copyOf(whole, 20), Reason.TRUNCATED_HEADER, "'fmt ' chunk has 0 bytes");
        assertRejected(Arrays.copyOf(whole, 30), Reason.TRUNCATED_HEADER, "'fmt ' chunk has 10 bytes");
        assertRejected(Arrays.copyOf(whole, 36), Reason.TRUNCATED_HEADER, "no 'data' chunk");
        assertRejected(WavBytes.riff().bytes(), Reason.TRUNCATED_HEADER, "no 'fmt ' chunk");
    }

    @Test
    void companderAdpcmAndRf64AreRejectedByName() {
        assertRejected(WavBytes.riff().fmt(6, 1, 8000, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "A-law WAV files are not supported; convert the file to 16-bit PCM");
        assertRejected(WavBytes.riff().fmt(7, 1, 8000, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "µ-law");
        assertRejected(WavBytes.riff().fmt(2, 1, 8000, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "Microsoft ADPCM");
        assertRejected(WavBytes.riff().fmt(0x11, 1, 8000, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "IMA ADPCM");
        assertRejected(WavBytes.riff().fmt(0x55, 1, 8000, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "format tag 0x0055");
        assertRejected(WavBytes.riff().fmt(1, 1, 8000, 8).dataHeader(2).pcm16(0).bytes(),
                Reason.UNSUPPORTED_ENCODING, "8-bit PCM");
        byte[] rf64 = WavBytes.riff().fmt(1, 1, 8000, 16).dataHeader(2).pcm16(0).bytes();
        rf64[0] = 'R';
        rf64[1] = 'F';
        rf64[2] = '6';
        rf64[3] = '4';
        assertRejected(rf64, Reason.UNSUPPORTED_ENCODING, "RF64 (WAV over 4 GB) is not supported");
    }

    @Test
    void ratesOutsideEightTo192KilohertzAreRejected() {
        assertRejected(WavBytes.riff().fmt(1, 1, 7999, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.SAMPLE_RATE_OUT_OF_RANGE, "sample rate 7999 Hz is outside 8000..192000 Hz");
        assertRejected(WavBytes.riff().fmt(1, 1, 192001, 16).dataHeader(2).pcm16(0).bytes(),
                Reason.SAMPLE_RATE_OUT_OF_RANGE, "192001 Hz");
        assertEquals(1, reader.read(WavBytes.riff().fmt(1, 1, 192000, 16).dataHeader(2).pcm16(0).bytes()).frames());
        assertEquals(1, reader.read(WavBytes.riff().fmt(1, 1, 8000, 16).dataHeader(2).pcm16(0).bytes()).frames());
    }

    @Test
    void emptyAndNonFiniteAudioIsRejected() {
        assertRejected(WavBytes.riff().fmt(1, 1, 8000, 16).dataHeader(0).bytes(), Reason.EMPTY, "0 frames");
        assertRejected(WavBytes.riff().fmt(1, 2, 8000, 16).dataHeader(2).pcm16(5).bytes(), Reason.EMPTY, "0 frames");
        assertRejected(WavBytes.riff().fmt(3, 1, 8000, 32).dataHeader(8).f32(0f).f32(Float.NaN).bytes(),
                Reason.NON_FINITE_SAMPLE, "sample 1 of channel 0 is NaN");
        assertRejected(WavBytes.riff().fmt(3, 2, 8000, 32).dataHeader(8).f32(0f).f32(Float.NEGATIVE_INFINITY)
                .bytes(), Reason.NON_FINITE_SAMPLE, "-Infinity");
    }

    @Test
    void audioLongerThanTheLimitIsRejectedFromTheHeader() {
        // 1 s at 8 kHz against a 0.5 s limit.
        WavBytes w = WavBytes.riff().fmt(1, 1, 8000, 16).dataHeader(16000);
        w.raw(new byte[16000]);
        AudioInputException e = assertThrows(AudioInputException.class, () -> new WavReader(0.5).read(w.bytes()));
        assertEquals(Reason.TOO_LONG, e.reason());
        assertEquals("the audio lasts 1.0 s, more than the 0.5 s limit; trim it or split it into parts",
                e.getMessage());
        assertEquals(8000, new WavReader(1.0).read(w.bytes()).frames());
    }

    private void assertRejected(byte[] wav, Reason reason, String messagePart) {
        AudioInputException e = assertThrows(AudioInputException.class, () -> reader.read(wav));
        assertEquals("bad_input", e.code());
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "message was: " + e.getMessage());
    }
}
