package dev.tessera.tokenizers.music;

import dev.tessera.tokenizers.music.MidiFormatException.Code;

/**
 * Walks the chunk and event structure of a Standard MIDI File before {@code javax.sound.midi} parses it.
 *
 * <p>The JDK's parser (JDK 17's {@code StandardMidiFileReader}) is memory-safe on hostile input, but it
 * is silent or vague where a user needs to act: it drops a truncated track without a word, reads a track
 * count above 32,767 as negative and so returns an empty sequence, reads a data byte after a meta event
 * as another meta event, and reports most damage as "invalid MIDI file". This walk finds those cases and
 * names the track and byte offset. After it passes, the JDK's parser reads exactly the events walked here.
 *
 * <p>Running status (a channel message that omits its status byte, reusing the previous one) is
 * accepted after channel messages only: meta and SysEx events cancel it, as the SMF specification says.
 */
final class SmfValidator {

    /** Bytes in a file we read: far above real MIDI files (the largest in common corpora are a few MB). */
    static final int MAX_FILE_BYTES = 8 << 20;
    /** Events in a file: bounds the JDK's object graph (about 120 bytes an event) to a few hundred MB. */
    static final int MAX_EVENTS = 2_000_000;

    private static final int MTHD = 0x4D546864;
    private static final int MTRK = 0x4D54726B;

    /** What the header says, once checked. */
    record Header(int format, int tracks, int ticksPerQuarter) {}

    private final byte[] b;
    private int events;

    private SmfValidator(byte[] bytes) {
        this.b = bytes;
    }

    static Header validate(byte[] bytes) throws MidiFormatException {
        return new SmfValidator(bytes).run();
    }

    private Header run() throws MidiFormatException {
        if (b.length > MAX_FILE_BYTES) {
            throw new MidiFormatException(Code.TOO_LARGE, String.format(
                    "the file is %,d bytes; MIDI files over %,d bytes are not read", b.length, MAX_FILE_BYTES));
        }
        if (b.length < 4 || int32(0) != MTHD) {
            throw new MidiFormatException(Code.NOT_MIDI, "not a Standard MIDI File: it starts with "
                    + describeStart() + ", not the 'MThd' header");
        }
        if (b.length < 14) {
            throw new MidiFormatException(Code.TRUNCATED, "the file is " + b.length
                    + " bytes, shorter than the 14-byte MThd header");
        }
        long headerLength = uint32(4);
        if (headerLength < 6) {
            throw new MidiFormatException(Code.BAD_HEADER, "the MThd header declares " + headerLength
                    + " bytes; it must be at least 6");
        }
        if (headerLength > b.length - 8) {
            throw new MidiFormatException(Code.TRUNCATED, "the MThd header declares " + headerLength
                    + " bytes but the file has only " + (b.length - 8) + " after it");
        }
        int format = uint16(8);
        int tracks = uint16(10);
        int division = uint16(12);
        if (format == 2) {
            throw new MidiFormatException(Code.UNSUPPORTED, "format 2 (independent sequences) is not supported; "
                    + "only formats 0 and 1 are read (a sequencer can export the file as format 1)");
        }
        if (format > 2) {
            throw new MidiFormatException(Code.BAD_HEADER, "unknown MIDI file format " + format + "; expected 0 or 1");
        }
        if (tracks == 0) {
            throw new MidiFormatException(Code.BAD_HEADER, "the header declares 0 tracks");
        }
        if (format == 0 && tracks != 1) {
            throw new MidiFormatException(Code.BAD_HEADER, "a format 0 file has exactly one track; this header declares "
                    + tracks);
        }
        if (tracks > 0x7FFF) {
            // The JDK reads the count as a signed short and would return an empty sequence.
            throw new MidiFormatException(Code.BAD_HEADER, "the header declares " + tracks
                    + " tracks; at most 32,767 are read");
        }
        if ((division & 0x8000) != 0) {
            throw new MidiFormatException(Code.UNSUPPORTED, "SMPTE time division (" + (-(byte) (division >> 8))
                    + " frames per second) is not supported; only ticks per quarter note are read");
        }
        if (division == 0) {
            throw new MidiFormatException(Code.BAD_HEADER, "the header declares 0 ticks per quarter note");
        }

        int pos = (int) (8 + headerLength);
        int found = 0;
        while (found < tracks) {
            if (pos + 8 > b.length) {
                throw new MidiFormatException(Code.TRUNCATED, "the header declares " + tracks + " tracks but the file ends after "
                        + found + (pos < b.length ? " (with " + (b.length - pos) + " stray bytes)" : ""));
            }
            int type = int32(pos);
            long length = uint32(pos + 4);
            int body = pos + 8;
            if (length > b.length - body) {
                throw new MidiFormatException(length > MAX_FILE_BYTES ? Code.BAD_LENGTH : Code.TRUNCATED, String.format(
                        "%s at byte %d declares %,d bytes but only %,d remain; the file is truncated or damaged",
                        type == MTRK ? "track " + (found + 1) + " of " + tracks : "chunk '" + chunkName(pos) + "'",
                        pos, length, b.length - body));
            }
            if (type == MTRK) {
                found++;
                walkTrack(found, body, body + (int) length);
            }
            // Other chunk types are skipped, as the SMF specification asks and as the JDK does.
            pos = body + (int) length;
        }
        // Bytes after the last declared track are ignored, as the JDK ignores them.
        return new Header(format, tracks, division);
    }

    private void walkTrack(int track, int start, int end) throws MidiFormatException {
        int p = start;
        int running = -1;
        boolean first = true;
        while (p < end) {
            if (++events > MAX_EVENTS) {
                throw new MidiFormatException(Code.TOO_LARGE, String.format(
                        "the file holds more than %,d events; larger files are not read", MAX_EVENTS));
            }
            p = skipVarInt(track, p, end, "delta time");
            if (p >= end) {
                throw truncated(track, p, "an event after its delta time");
            }
            int status = b[p] & 0xFF;
            boolean wasFirst = first;
            first = false;
            if (status < 0x80) {
                if (running < 0) {
                    throw new MidiFormatException(Code.RUNNING_STATUS, String.format(
                            "track %d, byte %d: data byte 0x%02X where a status byte is needed; running status "
                                    + "applies only after a channel message (%s)", track, p, status,
                            wasFirst ? "this is the first event of the track"
                                    : "the previous event was a meta or SysEx event, which cancels it"));
                }
                status = running;
            } else {
                p++;
            }
            if (status < 0xF0) {
                running = status;
                int dataBytes = (status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0 ? 1 : 2;
                for (int i = 0; i < dataBytes; i++, p++) {
                    if (p >= end) {
                        throw truncated(track, p, "a channel message");
                    }
                    if ((b[p] & 0x80) != 0) {
                        throw new MidiFormatException(Code.BAD_EVENT, String.format(
                                "track %d, byte %d: channel message 0x%02X is missing a data byte (found status 0x%02X)",
                                track, p, status, b[p] & 0xFF));
                    }
                }
            } else if (status == 0xFF) {
                running = -1;
                if (p >= end) {
                    throw truncated(track, p, "a meta event");
                }
                int metaType = b[p++] & 0xFF;
                int lengthAt = p;
                long length = varInt(track, p, end, "meta event length");
                p = skipVarInt(track, p, end, "meta event length");
                if (length > end - p) {
                    throw new MidiFormatException(Code.BAD_LENGTH, String.format(
                            "track %d, byte %d: meta event 0x%02X declares %,d bytes but the track has %,d left",
                            track, lengthAt, metaType, length, end - p));
                }
                p += (int) length;
                if (metaType == 0x2F) {
                    return; // end of track: the JDK reads no further in this chunk, nor do we
                }
            } else if (status == 0xF0 || status == 0xF7) {
                running = -1;
                int lengthAt = p;
                long length = varInt(track, p, end, "SysEx length");
                p = skipVarInt(track, p, end, "SysEx length");
                if (length > end - p) {
                    throw new MidiFormatException(Code.BAD_LENGTH, String.format(
                            "track %d, byte %d: SysEx event declares %,d bytes but the track has %,d left",
                            track, lengthAt, length, end - p));
                }
                p += (int) length;
            } else {
                throw new MidiFormatException(Code.BAD_EVENT, String.format(
                        "track %d, byte %d: status 0x%02X (a system %s message) cannot appear in a MIDI file",
                        track, p - 1, status, status >= 0xF8 ? "real-time" : "common"));
            }
        }
    }

    /** A variable-length number: 7 bits a byte, at most 4 bytes (28 bits), as the SMF specification allows. */
    private long varInt(int track, int p, int end, String what) throws MidiFormatException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            if (p + i >= end) {
                throw truncated(track, p + i, "a " + what);
            }
            int v = b[p + i] & 0xFF;
            value = (value << 7) | (v & 0x7F);
            if ((v & 0x80) == 0) {
                return value;
            }
        }
        throw new MidiFormatException(Code.BAD_LENGTH, String.format(
                "track %d, byte %d: the %s runs over 4 bytes, the most a MIDI number may take", track, p, what));
    }

    private int skipVarInt(int track, int p, int end, String what) throws MidiFormatException {
        varInt(track, p, end, what);
        while ((b[p] & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }

    private MidiFormatException truncated(int track, int p, String what) {
        return new MidiFormatException(Code.TRUNCATED, String.format(
                "track %d ends at byte %d in the middle of %s; the track is truncated or its length is wrong",
                track, p, what));
    }

    private int int32(int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private long uint32(int p) {
        return int32(p) & 0xFFFF_FFFFL;
    }

    private int uint16(int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private String chunkName(int p) {
        StringBuilder s = new StringBuilder();
        for (int i = p; i < p + 4; i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    private String describeStart() {
        if (b.length == 0) {
            return "nothing (the file is empty)";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            hex.append(String.format("%02X ", b[i] & 0xFF));
        }
        String name = b.length >= 4 ? " '" + chunkName(0) + "'" : "";
        String hint = b.length >= 4 && int32(0) == 0x52494646 ? " (a RIFF file; RIFF-wrapped RMID is not read)" : "";
        return "bytes " + hex.toString().trim() + name + hint;
    }
}
