package dev.tessera.core.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job ended without a result: a {@link FailureCode}, a message a person can act on, and for
 * {@code busy}/{@code not_ready} how long to wait before retrying.
 *
 * <p>On the bus a failure travels as {@code message.fail(httpStatus, json)} with the body
 * {@code {code, message, retryAfterMs?, details?}} (serving spec 4.3); {@link #from(Throwable)} turns the
 * requester's {@link ReplyException} back into a {@code JobFailure}. Failures are answers, not bugs, so
 * they carry no stack trace of their own; an internal failure keeps its cause.
 */
public class JobFailure extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(JobFailure.class);

    private final FailureCode code;
    private final long retryAfterMs;
    private final JsonObject details;

    public JobFailure(FailureCode code, String message) {
        this(code, message, -1, null, null);
    }

    public JobFailure(FailureCode code, String message, long retryAfterMs, JsonObject details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause, true, false);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterMs = retryAfterMs;
        this.details = details;
    }

    public static JobFailure badInput(String message) {
        return new JobFailure(FailureCode.BAD_INPUT, message);
    }

    /** A 400 naming the field that failed, as {@code details.fields.<field>}. */
    public static JobFailure badInput(String field, String message) {
        return new JobFailure(FailureCode.BAD_INPUT, message, -1,
                new JsonObject().put("fields", new JsonObject().put(field, message)), null);
    }

    public static JobFailure tooLarge(String message) {
        return new JobFailure(FailureCode.TOO_LARGE, message);
    }

    public static JobFailure busy(String message, long retryAfterMs) {
        return new JobFailure(FailureCode.BUSY, message, retryAfterMs, null, null);
    }

    public static JobFailure notReady(String message) {
        return new JobFailure(FailureCode.NOT_READY, message, 1_000, null, null);
    }

    /** A 408; {@code phase} is {@code queued} (never started) or {@code running} (stopped at a step). */
    public static JobFailure deadline(String message, String phase) {
        return new JobFailure(FailureCode.DEADLINE_EXCEEDED, message, -1, new JsonObject().put("phase", phase), null);
    }

    /**
     * A 500 for an unexpected exception. The exception is logged with a short log id; the message names only
     * the id and the exception's type, so it is safe to show to a user.
     */
    public static JobFailure internal(String where, Throwable cause) {
        String logId = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL);
        LOG.error("internal error in {} (log id {})", where, logId, cause);
        return new JobFailure(FailureCode.INTERNAL, "internal error in " + where + " (log id " + logId + "): "
                + cause.getClass().getSimpleName(), -1, new JsonObject().put("logId", logId), cause);
    }

    public FailureCode code() {
        return code;
    }

    /** Milliseconds to wait before retrying, or -1 when the failure says nothing about retrying. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** Extra structured facts ({@code fields}, {@code phase}, {@code logId}, {@code queueDepth}), or null. */
    public JsonObject details() {
        return details;
    }

    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("code", code.wireName()).put("message", getMessage());
        if (retryAfterMs >= 0) {
            j.put("retryAfterMs", retryAfterMs);
        }
        if (details != null) {
            j.put("details", details);
        }
        return j;
    }

    public static JobFailure fromJson(JsonObject j) {
        return new JobFailure(FailureCode.fromWire(j.getString("code")), j.getString("message", "(no message)"),
                j.getLong("retryAfterMs", -1L), j.getJsonObject("details"), null);
    }

    /** Answers {@code message} with this failure: {@code fail(httpStatus, json)}. */
    public void failMessage(Message<?> message) {
        message.fail(code.httpStatus(), toJson().encode());
    }

    /**
     * The failure behind any exception a request can end with: a {@code JobFailure} as it is; a
     * {@link ReplyException} by its type (TIMEOUT → 408, NO_HANDLERS → 503 {@code not_ready},
     * RECIPIENT_FAILURE → the code in the reply's JSON); anything else as {@code internal}.
     */
    public static JobFailure from(Throwable t) {
        if (t instanceof JobFailure f) {
            return f;
        }
        if (t instanceof ReplyException re) {
            return switch (re.failureType()) {
                case TIMEOUT -> new JobFailure(FailureCode.DEADLINE_EXCEEDED,
                        "no reply in time: " + re.getMessage(), -1, new JsonObject().put("phase", "unknown"), re);
                case NO_HANDLERS -> new JobFailure(FailureCode.NOT_READY,
                        "no model is serving this address: " + re.getMessage(), 1_000, null, re);
                case RECIPIENT_FAILURE -> fromRecipient(re);
                default -> new JobFailure(FailureCode.INTERNAL, "event bus error: " + re.getMessage(), -1, null, re);
            };
        }
        return new JobFailure(FailureCode.INTERNAL, t.getClass().getSimpleName() + ": " + t.getMessage(), -1, null, t);
    }

    private static JobFailure fromRecipient(ReplyException re) {
        String body = re.getMessage();
        if (body != null && body.startsWith("{")) {
            try {
                return fromJson(new JsonObject(body));
            } catch (DecodeException ignored) {
                // Not one of ours: fall through to the status code.
            }
        }
        FailureCode byStatus = FailureCode.INTERNAL;
        for (FailureCode c : FailureCode.values()) {
            if (c.httpStatus() == re.failureCode()) {
                byStatus = c;
                break;
            }
        }
        return new JobFailure(byStatus, body == null ? "recipient failed with " + re.failureCode() : body, -1,
                null, re);
    }

    @Override
    public String toString() {
        return "JobFailure[" + code.wireName() + "]: " + getMessage();
    }
}
