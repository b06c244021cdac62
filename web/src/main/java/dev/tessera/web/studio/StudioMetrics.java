package dev.tessera.web.studio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** The {@code tessera_ws_*} meters of serving spec 3.5: how the outboxes behave. */
final class StudioMetrics implements Outbox.Listener {

    private final Counter previewsDropped;
    private final Counter replayed;
    private final Counter slowClosed;
    private final Counter writeFailures;

    StudioMetrics(MeterRegistry registry, Supplier<Number> sessions) {
        Gauge.builder("tessera_ws_sessions", sessions).description("studio sessions kept (with or without a socket)")
                .register(registry);
        previewsDropped = Counter.builder("tessera_ws_previews_dropped").description(
                "previews replaced or refused because a socket's write queue was full").register(registry);
        replayed = Counter.builder("tessera_ws_replayed").description("events replayed to resuming sockets")
                .register(registry);
        slowClosed = Counter.builder("tessera_ws_slow_closed").description("sockets closed with 1013 for a stalled client")
                .register(registry);
        writeFailures = Counter.builder("tessera_ws_write_failures").description("failed websocket writes")
                .register(registry);
    }

    @Override
    public void previewDropped() {
        previewsDropped.increment();
    }

    @Override
    public void slowClosed() {
        slowClosed.increment();
    }

    void replayed(int n) {
        replayed.increment(n);
    }

    void writeFailed() {
        writeFailures.increment();
    }

    double previewsDropped() {
        return previewsDropped.count();
    }
}
