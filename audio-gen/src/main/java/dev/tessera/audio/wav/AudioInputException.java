package dev.tessera.audio.wav;

/**
 * Audio a user sent that Tessera cannot use. It is raised at the boundary, before anything sized by
 * the input is allocated, and always carries the failure code {@value #CODE} of the event-bus contract
 * plus a message that says what to change.
 */
public final class AudioInputException extends RuntimeException {

    /** The failure code every front end maps to "bad input" (HTTP 400, a CLI exit code of 2). */
    public static final String CODE = "bad_input";

    /** What exactly was wrong, for tests and metrics; the message is for people. */
    public enum Reason {
        NOT_WAV,
        TRUNCATED_HEADER,
        UNSUPPORTED_ENCODING,
        SAMPLE_RATE_OUT_OF_RANGE,
        EMPTY,
        NON_FINITE_SAMPLE,
        TOO_LONG,
        BAD_SHAPE
    }

    private final Reason reason;

    public AudioInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String code() {
        return CODE;
    }

    public Reason reason() {
        return reason;
    }
}
