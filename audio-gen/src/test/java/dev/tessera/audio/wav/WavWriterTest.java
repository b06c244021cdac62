package dev.tessera.audio.wav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WavWriterTest {

    @Test
    void pcm16RoundsToNearestAndClipsWithoutDither() {
        assertEquals(16384, WavWriter.toPcm16(0.5f));
        assertEquals(32767, WavWriter.toPcm16(1.0f));
        assertEquals(32767, WavWriter.toPcm16(1.5f));
        assertEquals(-32768, WavWriter.toPcm16(-1.0f));
        assertEquals(-32768, WavWriter.toPcm16(-3f));
        assertEquals(0, WavWriter.toPcm16(0.49f / 32768));
        assertEquals(1, WavWriter.toPcm16(0.51f / 32768));
        assertEquals(-1, WavWriter.toPcm16(-0.51f / 32768));
        assertThrows(IllegalArgumentException.class, () -> WavWriter.toPcm16(Float.NaN));
    }

    @Test
    void pcm16FileHasExactSizesAndReadsBackWithinHalfAStep() {
        float[] x = noise(1000, 1);
        byte[] wav = WavWriter.write(x, 22050, WavEncoding.PCM_16);
        assertEquals(44 + 2000, wav.length);
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(wav.length - 8, b.getInt(4));
        assertEquals(2000, b.getInt(40));
        WavAudio back = new WavReader().read(wav);
        assertEquals(22050, back.sampleRate());
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], back.samples()[i], 0.5 / 32768 + 1e-9, "sample " + i);
        }
        // Reproducible: the same samples give the same bytes.
        assertArrayEquals(wav, WavWriter.write(x, 22050, WavEncoding.PCM_16));
    }

    @Test
    void float32FileRoundTripsExactly() {
        float[] x = noise(777, 2);
        x[3] = 1.75f; // floats are not clipped
        byte[] wav = WavWriter.write(x, 22050, WavEncoding.FLOAT_32);
        assertEquals(WavWriter.FLOAT_HEADER_BYTES + 4 * 777, wav.length);
        WavAudio back = new WavReader().read(wav);
        assertArrayEquals(x, back.samples(), 0f);
        assertEquals(WavEncoding.FLOAT_32, back.encoding());
    }

    @Test
    void streamedHeaderAndChunksEqualTheWholeFile() {
        float[] x = noise(256 * 7, 3);
        for (WavEncoding enc : new WavEncoding[] {WavEncoding.PCM_16, WavEncoding.FLOAT_32}) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.writeBytes(WavWriter.header(x.length, 22050, enc));
            for (int off = 0; off < x.length; off += 512) {
                s.writeBytes(WavWriter.encode(x, off, Math.min(512, x.length - off), enc));
            }
            assertArrayEquals(WavWriter.write(x, 22050, enc), s.toByteArray(), enc.name());
        }
    }

    private static float[] noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 1.8 - 0.9);
        }
        return x;
    }
}
