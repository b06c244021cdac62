package dev.tessera.core.bus;

import java.util.Locale;

/**
 * Why a job did not succeed, as a stable wire name and the HTTP status a front end answers with
 * (serving spec 3.1). Every failure on the bus carries one of these; unknown names read as {@link #INTERNAL}.
 */
public enum FailureCode {
    BAD_INPUT(400, "bad_input"),
    NOT_FOUND(404, "bad_input"),
    DEADLINE_EXCEEDED(408, "deadline"),
    CONFLICT(409, "bad_input"),
    TOO_LARGE(413, "bad_input"),
    UNSUPPORTED_MEDIA_TYPE(415, "bad_input"),
    RATE_LIMITED(429, "rate_limited"),
    BUSY(503, "busy"),
    NOT_READY(503, "busy"),
    /** No HTTP status in the spec; 499 is nginx's "client closed request", the usual reason for a cancel. */
    CANCELLED(499, "cancelled"),
    INTERNAL(500, "internal");

    private final int httpStatus;
    private final String outcome;

    FailureCode(int httpStatus, String outcome) {
        this.httpStatus = httpStatus;
        this.outcome = outcome;
    }

    /** The name in error bodies, e.g. {@code bad_input}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The {@code outcome} label of {@code tessera_requests_total}: one of ok, bad_input, busy, rate_limited,
     * deadline, cancelled, internal. The exact code goes to {@code tessera_request_failures_total}.
     */
    public String outcome() {
        return outcome;
    }

    /** The code for a wire name; {@link #INTERNAL} for a name this version does not know. */
    public static FailureCode fromWire(String name) {
        if (name != null) {
            for (FailureCode c : values()) {
                if (c.wireName().equals(name)) {
                    return c;
                }
            }
        }
        return INTERNAL;
    }
}
