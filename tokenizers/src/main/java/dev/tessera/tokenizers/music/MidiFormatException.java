package dev.tessera.tokenizers.music;

import java.io.IOException;

/**
 * A MIDI file cannot be read: it is not a Standard MIDI File, is cut short, breaks the format's rules, or
 * uses something Tessera does not support. {@link #code()} says which, the message says where (track and
 * byte offset) and what to do.
 */
public class MidiFormatException extends IOException {

    /** What kind of problem it is; stable names for callers and for the event bus's "bad input" replies. */
    public enum Code {
        /** The bytes are not a Standard MIDI File at all. */
        NOT_MIDI,
        /** The MThd header chunk is inconsistent (length, format, track count, division). */
        BAD_HEADER,
        /** A valid file that uses something Tessera does not read (SMPTE timing, format 2). */
        UNSUPPORTED,
        /** The file ends before a chunk or an event it declares. */
        TRUNCATED,
        /** A data byte where a status byte is needed and no running status applies. */
        RUNNING_STATUS,
        /** A length field (chunk, meta, SysEx, variable-length number) is out of bounds. */
        BAD_LENGTH,
        /** A byte that cannot start or continue an event here. */
        BAD_EVENT,
        /** The file is larger than the reader accepts. */
        TOO_LARGE
    }

    private final Code code;

    public MidiFormatException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public MidiFormatException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The same problem, its message prefixed with where the bytes came from (a file name). */
    MidiFormatException in(String source) {
        MidiFormatException e = new MidiFormatException(code, source + ": " + getMessage(), getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}
