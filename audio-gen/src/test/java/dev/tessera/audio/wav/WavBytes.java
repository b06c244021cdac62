package dev.tessera.audio.wav;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files byte by byte, so the reader's tests do not depend on the writer. */
final class WavBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static WavBytes riff() {
        WavBytes w = new WavBytes();
        w.ascii("RIFF").u32(0).ascii("WAVE"); // RIFF size is patched by bytes()
        return w;
    }

    WavBytes ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    WavBytes u16(int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        return this;
    }

    WavBytes u24(int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        return this;
    }

    WavBytes u32(long v) {
        u16((int) (v & 0xFFFF));
        return u16((int) ((v >>> 16) & 0xFFFF));
    }

    WavBytes f32(float v) {
        return u32(Integer.toUnsignedLong(Float.floatToRawIntBits(v)));
    }

    WavBytes raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A plain 16-byte fmt chunk. */
    WavBytes fmt(int tag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        return ascii("fmt ").u32(16).u16(tag).u16(channels).u32(rate).u32((long) rate * align).u16(align).u16(bits);
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk whose GUID names {@code subTag}. */
    WavBytes fmtExtensible(int subTag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        ascii("fmt ").u32(40).u16(0xFFFE).u16(channels).u32(rate).u32((long) rate * align).u16(align).u16(bits);
        u16(22).u16(bits).u32(channels == 1 ? 4 : 3);
        u32(subTag).raw(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71});
        return this;
    }

    WavBytes chunk(String id, byte[] body) {
        ascii(id).u32(body.length).raw(body);
        if ((body.length & 1) == 1) {
            out.write(0);
        }
        return this;
    }

    WavBytes dataHeader(long declaredBytes) {
        return ascii("data").u32(declaredBytes);
    }

    WavBytes pcm16(int... values) {
        for (int v : values) {
            u16(v);
        }
        return this;
    }

    byte[] bytes() {
        byte[] b = out.toByteArray();
        if (b.length >= 8) {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, b.length - 8);
        }
        return b;
    }
}
