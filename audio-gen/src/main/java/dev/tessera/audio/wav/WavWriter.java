package dev.tessera.audio.wav;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes mono WAV: 16-bit PCM (round to nearest, clip to [-1, 32767/32768], no dither, so the same
 * samples always give the same bytes) or 32-bit IEEE float.
 *
 * <p>The header only needs the frame count, which the vocoder knows in advance (mel frames × 256), so a
 * streamed response sends {@link #header} first and then {@link #encode}d chunks and still carries exact
 * sizes.
 */
public final class WavWriter {

    /** Header bytes: RIFF + fmt(16) + data for PCM; RIFF + fmt(18) + fact + data for float. */
    public static final int PCM_HEADER_BYTES = 44;
    public static final int FLOAT_HEADER_BYTES = 58;

    private WavWriter() {
    }

    /** A whole mono WAV file. */
    public static byte[] write(float[] samples, int sampleRate, WavEncoding encoding) {
        byte[] head = header(samples.length, sampleRate, encoding);
        byte[] out = new byte[head.length + samples.length * encoding.bytesPerSample()];
        System.arraycopy(head, 0, out, 0, head.length);
        encodeInto(samples, 0, samples.length, encoding, ByteBuffer.wrap(out, head.length, out.length - head.length));
        return out;
    }

    /** The header of a mono file of {@code frames} samples, to be followed by exactly that many samples. */
    public static byte[] header(long frames, int sampleRate, WavEncoding encoding) {
        checkWritable(encoding);
        if (sampleRate < WavReader.MIN_SAMPLE_RATE || sampleRate > WavReader.MAX_SAMPLE_RATE) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is outside 8000..192000 Hz");
        }
        boolean pcm = encoding == WavEncoding.PCM_16;
        int headerBytes = pcm ? PCM_HEADER_BYTES : FLOAT_HEADER_BYTES;
        long dataBytes = frames * encoding.bytesPerSample();
        if (frames < 0 || dataBytes + headerBytes - 8 > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(frames + " frames do not fit a RIFF file (4 GB limit)");
        }
        ByteBuffer b = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (dataBytes + headerBytes - 8));
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(pcm ? 16 : 18);
        b.putShort((short) encoding.formatTag).putShort((short) 1).putInt(sampleRate);
        b.putInt(sampleRate * encoding.bytesPerSample()).putShort((short) encoding.bytesPerSample());
        b.putShort((short) encoding.bitsPerSample);
        if (!pcm) {
            // Non-PCM formats carry cbSize and a fact chunk with the frame count.
            b.putShort((short) 0);
            b.put("fact".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt((int) frames);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }

    /** The data bytes of {@code length} samples from {@code offset}, for streaming after {@link #header}. */
    public static byte[] encode(float[] samples, int offset, int length, WavEncoding encoding) {
        checkWritable(encoding);
        byte[] out = new byte[length * encoding.bytesPerSample()];
        encodeInto(samples, offset, length, encoding, ByteBuffer.wrap(out));
        return out;
    }

    /** 16-bit PCM value of a sample: round(x·32768), clipped to [-32768, 32767]. */
    public static short toPcm16(float x) {
        if (!Float.isFinite(x)) {
            throw new IllegalArgumentException("cannot write a non-finite sample (" + x + ")");
        }
        long v = Math.round(x * 32768.0);
        return (short) Math.max(-32768, Math.min(32767, v));
    }

    private static void encodeInto(float[] samples, int offset, int length, WavEncoding encoding, ByteBuffer target) {
        ByteBuffer b = target.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (encoding == WavEncoding.PCM_16) {
            for (int i = offset; i < offset + length; i++) {
                b.putShort(toPcm16(samples[i]));
            }
        } else {
            for (int i = offset; i < offset + length; i++) {
                if (!Float.isFinite(samples[i])) {
                    throw new IllegalArgumentException("cannot write a non-finite sample (" + samples[i]
                            + ") at index " + i);
                }
                b.putFloat(samples[i]);
            }
        }
    }

    private static void checkWritable(WavEncoding encoding) {
        if (encoding != WavEncoding.PCM_16 && encoding != WavEncoding.FLOAT_32) {
            throw new IllegalArgumentException("the writer emits PCM_16 or FLOAT_32, not " + encoding);
        }
    }
}
