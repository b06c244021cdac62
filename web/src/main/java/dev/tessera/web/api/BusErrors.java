package dev.tessera.web.api;

import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.web.server.ApiError;
import io.vertx.ext.web.RoutingContext;

/**
 * Turns what a model answered over the bus into the HTTP error a client sees (serving spec 3.1): the
 * failure code's status ({@code bad_input} 400, {@code deadline_exceeded} 408, {@code too_large} 413,
 * {@code busy}/{@code not_ready} 503 with {@code Retry-After}, {@code cancelled} 499, {@code internal} 500),
 * its wire name, its message and details.
 */
public final class BusErrors {

    private BusErrors() {
    }

    public static ApiError toApiError(JobFailure f) {
        Integer retry = f.retryAfterMs() >= 0 ? retryAfterSeconds(f.retryAfterMs()) : null;
        return new ApiError(f.code().httpStatus(), f.code().wireName(), f.getMessage(), retry, f.details());
    }

    /**
     * Answers a failed model call: a {@link JobFailure} as its HTTP error (a 408 also names the timeout and
     * {@code hint}, what to change), anything else as a routing failure (500 with a log id).
     */
    public static void reply(RoutingContext ctx, Throwable e, long timeoutMs, String hint) {
        if (e instanceof JobFailure f) {
            ApiError error = toApiError(f);
            if (f.code() == FailureCode.DEADLINE_EXCEEDED) {
                error = new ApiError(error.status(), error.code(), error.message() + " (timeout " + timeoutMs
                        + " ms; raise timeoutMs, up to " + Deadlines.MAX_MS + ", or " + hint + ")",
                        error.retryAfterSeconds(), error.details());
            }
            error.send(ctx);
        } else {
            ctx.fail(e);
        }
    }

    /** A {@code Retry-After} in whole seconds: rounded up and clamped to 1-60 s (serving spec 3.1). */
    public static int retryAfterSeconds(long millis) {
        return (int) Math.max(1, Math.min(60, (millis + 999) / 1000));
    }
}
