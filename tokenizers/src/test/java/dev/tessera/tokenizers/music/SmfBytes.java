package dev.tessera.tokenizers.music;

import java.io.ByteArrayOutputStream;

/** Builds Standard MIDI File bytes by hand, so tests can make exactly the file (or the damage) they need. */
final class SmfBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A file starting with an MThd header of 6 bytes. */
    static SmfBytes header(int format, int tracks, int division) {
        SmfBytes s = new SmfBytes();
        s.raw('M', 'T', 'h', 'd').u32(6).u16(format).u16(tracks).u16(division);
        return s;
    }

    /** An MTrk chunk with its true length. */
    SmfBytes track(int... events) {
        return chunk("MTrk", events.length, events);
    }

    /** A chunk whose declared length may lie. */
    SmfBytes chunk(String type, long declaredLength, int... body) {
        raw(type.charAt(0), type.charAt(1), type.charAt(2), type.charAt(3)).u32(declaredLength);
        return raw(body);
    }

    SmfBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    SmfBytes u32(long v) {
        return raw((int) (v >> 24) & 0xFF, (int) (v >> 16) & 0xFF, (int) (v >> 8) & 0xFF, (int) v & 0xFF);
    }

    SmfBytes u16(int v) {
        return raw((v >> 8) & 0xFF, v & 0xFF);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Meta end-of-track after a zero delta. */
    static final int[] END_OF_TRACK = {0x00, 0xFF, 0x2F, 0x00};

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] all = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }
}
