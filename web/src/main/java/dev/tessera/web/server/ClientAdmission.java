package dev.tessera.web.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-client admission of REST calls (serving spec 3.1): at most {@code maxCalls} calls under
 * {@code /api/} in progress per remote address; one more is answered {@code 429 rate_limited} with
 * {@code Retry-After} at once, before its body is read. A call counts from its first byte until its
 * response ends or its connection closes.
 *
 * <p>The address is the TCP peer's: a proxy in front makes every client one address, so raise the limit
 * ({@code --max-calls-per-client}) or let the proxy limit instead; {@code X-Forwarded-For} is not trusted,
 * since any client can set it. Only the HTTP verticle's event loop touches the counts, so they need no
 * locks.
 */
public final class ClientAdmission {

    /** The spec's share: 8 concurrent REST calls per remote address. */
    public static final int DEFAULT_MAX_CALLS = 8;
    /** Paths that count as REST calls; health, readiness, metrics and the studio socket never do. */
    public static final String API_PREFIX = "/api/";
    /**
     * What a refused client is told to wait: calls of the tiny models last well under a second, real ones
     * seconds, and a retry only succeeds once one of the client's own calls has ended.
     */
    public static final int RETRY_AFTER_SECONDS = 1;

    private final int maxCalls;
    private final Map<String, Integer> active = new HashMap<>();
    private final Counter refused;
    private int total;

    /**
     * @param maxCalls calls per address; 0 or less switches admission off
     * @param registry where {@code tessera_requests_total{model="unknown",front="rest",outcome="rate_limited"}}
     *     counts refusals (the model is not known before the body is read) and the gauge
     *     {@code tessera_rest_calls_active} shows the calls in progress; null for none
     */
    public ClientAdmission(int maxCalls, MeterRegistry registry) {
        this.maxCalls = maxCalls;
        this.refused = registry == null ? null : Counter.builder("tessera.requests")
                .tags("model", "unknown", "front", "rest", "outcome", "rate_limited").register(registry);
        if (registry != null) {
            Gauge.builder("tessera.rest.calls.active", this, a -> a.total)
                    .description("REST calls in progress, all clients").register(registry);
        }
    }

    public int maxCalls() {
        return maxCalls;
    }

    /** Takes a slot for {@code address}; false when it already holds {@code maxCalls}. */
    public boolean tryAcquire(String address) {
        if (maxCalls <= 0) {
            return true;
        }
        int held = active.getOrDefault(address, 0);
        if (held >= maxCalls) {
            return false;
        }
        active.put(address, held + 1);
        total++;
        return true;
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(String address) {
        if (maxCalls <= 0) {
            return;
        }
        Integer held = active.get(address);
        if (held == null) {
            return;
        }
        if (held <= 1) {
            active.remove(address);
        } else {
            active.put(address, held - 1);
        }
        total--;
    }

    /** Calls in progress for {@code address}. */
    public int active(String address) {
        return active.getOrDefault(address, 0);
    }

    /** Route handler: admits a REST call (releasing its slot when the response is done) or answers 429. */
    public void handle(RoutingContext ctx) {
        if (maxCalls <= 0 || !ctx.request().path().startsWith(API_PREFIX)) {
            ctx.next();
            return;
        }
        String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
        if (!tryAcquire(address)) {
            if (refused != null) {
                refused.increment();
            }
            ApiError.of(429, "rate_limited", "this client (" + address + ") already has " + maxCalls
                            + " REST calls in progress, the most one address may have; retry when one has ended")
                    .withRetryAfter(RETRY_AFTER_SECONDS).send(ctx);
            return;
        }
        boolean[] released = {false};
        ctx.addEndHandler(ar -> {
            if (!released[0]) {
                released[0] = true;
                release(address);
            }
        });
        ctx.next();
    }
}
