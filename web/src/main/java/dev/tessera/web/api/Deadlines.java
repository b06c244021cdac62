package dev.tessera.web.api;

import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;

/**
 * The deadline of a synchronous REST call (serving spec 3.1): {@code timeoutMs} (query or JSON body) or
 * the header {@code X-Tessera-Timeout-Ms}, the parameter winning; a route's default otherwise (vocode
 * 30 s, images 120 s); at most 10 minutes. It covers queue and compute together: {@code ModelClient}
 * sends what is left in the bus header {@code tessera-timeout-ms}, the model drops the job unrun when it
 * expires in the queue and stops it at its next step when it expires while running (408
 * {@code deadline_exceeded}, {@code details.phase} {@code queued} or {@code running}).
 */
public final class Deadlines {

    public static final String HEADER = "X-Tessera-Timeout-Ms";
    public static final String FIELD = "timeoutMs";
    /** Synchronous calls are capped at 10 minutes. */
    public static final long MAX_MS = 600_000;

    private Deadlines() {
    }

    /**
     * The timeout in ms of a call.
     *
     * @param value the {@code timeoutMs} parameter as sent (a query string, or a JSON number), or null
     * @param header the {@code X-Tessera-Timeout-Ms} header, or null
     * @param defaultMs the route's default
     * @throws ApiException 400 {@code bad_input} naming {@code timeoutMs} when it is not a whole number in
     *     1..600,000
     */
    public static long timeoutMs(Object value, String header, long defaultMs) {
        Object sent = value != null ? value : header;
        if (sent == null) {
            return defaultMs;
        }
        long ms;
        if (sent instanceof Integer || sent instanceof Long) {
            ms = ((Number) sent).longValue();
        } else if (sent instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            ms = n.longValue();
        } else if (sent instanceof String s) {
            try {
                ms = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw bad(sent);
            }
        } else {
            throw bad(sent);
        }
        if (ms < 1 || ms > MAX_MS) {
            throw bad(sent);
        }
        return ms;
    }

    private static ApiException bad(Object sent) {
        String message = FIELD + " (or the header " + HEADER + ") must be a whole number of milliseconds in 1.."
                + MAX_MS + " (10 min), got '" + sent + "'";
        return new ApiException(ApiError.badInput(FIELD, message));
    }
}
