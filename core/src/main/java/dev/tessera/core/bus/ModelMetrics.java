package dev.tessera.core.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The meters of one model verticle (serving spec 3.5). Names are Micrometer's dotted form; the Prometheus
 * registry writes them as {@code tessera_requests_total}, {@code tessera_request_failures_total},
 * {@code tessera_queue_seconds}, {@code tessera_compute_seconds}, {@code tessera_inference_items_total},
 * {@code tessera_inference_batches_total}, {@code tessera_batch_size}, {@code tessera_queue_depth},
 * {@code tessera_inflight}, {@code tessera_model_state} and {@code tessera_model_load_seconds}.
 * Every meter is removed again by {@link #close()}, so a redeployed model starts clean.
 */
final class ModelMetrics implements AutoCloseable {

    static final String REQUESTS = "tessera.requests";
    static final String FAILURES = "tessera.request.failures";
    static final String QUEUE = "tessera.queue";
    static final String COMPUTE = "tessera.compute";
    static final String ITEMS = "tessera.inference.items";
    static final String BATCHES = "tessera.inference.batches";
    static final String BATCH_SIZE = "tessera.batch.size";
    static final String QUEUE_DEPTH = "tessera.queue.depth";
    static final String INFLIGHT = "tessera.inflight";
    static final String STATE = "tessera.model.state";
    static final String LOAD = "tessera.model.load.seconds";

    private final MeterRegistry registry;
    private final String model;
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private final Timer queueTime;
    private final Timer computeTime;
    private final Counter items;
    private final Counter batches;
    private final DistributionSummary batchSize;
    private volatile ModelState state = ModelState.LOADING;
    private volatile double loadSeconds = Double.NaN;

    ModelMetrics(MeterRegistry registry, String model, String version, IntSupplier queueDepth, IntSupplier inflight) {
        this.registry = registry;
        this.model = model;
        // A model deployed again (after a failed load, say) replaces the meters its predecessor left.
        for (String name : List.of(REQUESTS, FAILURES, QUEUE, COMPUTE, ITEMS, BATCHES, BATCH_SIZE, QUEUE_DEPTH,
                INFLIGHT, STATE, LOAD)) {
            registry.find(name).tag("model", model).meters().forEach(registry::remove);
        }
        queueTime = add(Timer.builder(QUEUE).description("from admission to the start of compute")
                .tag("model", model).publishPercentileHistogram().register(registry));
        computeTime = add(Timer.builder(COMPUTE).description("forward time of the batch that held the request")
                .tag("model", model).publishPercentileHistogram().register(registry));
        items = add(Counter.builder(ITEMS).description("requests run").tag("model", model).register(registry));
        batches = add(Counter.builder(BATCHES).description("forward passes run").tag("model", model)
                .register(registry));
        batchSize = add(DistributionSummary.builder(BATCH_SIZE).description("requests per forward pass")
                .tag("model", model).register(registry));
        add(Gauge.builder(QUEUE_DEPTH, queueDepth, IntSupplier::getAsInt).strongReference(true)
                .description("requests waiting").tag("model", model).register(registry));
        add(Gauge.builder(INFLIGHT, inflight, IntSupplier::getAsInt).strongReference(true)
                .description("requests in running batches").tag("model", model).register(registry));
        for (ModelState s : ModelState.values()) {
            add(Gauge.builder(STATE, this, m -> m.state == s ? 1 : 0).strongReference(true)
                    .description("1 for the model's current state")
                    .tags("model", model, "version", version, "state", s.wireName()).register(registry));
        }
        add(Gauge.builder(LOAD, this, m -> m.loadSeconds).strongReference(true).description("time to load the model")
                .tag("model", model).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Counts one answered request; {@code code} is null for a success. */
    void answered(String front, FailureCode code) {
        String outcome = code == null ? "ok" : code.outcome();
        add(Counter.builder(REQUESTS).tags("model", model, "front", front, "outcome", outcome).register(registry))
                .increment();
        if (code != null) {
            add(Counter.builder(FAILURES).tags("model", model, "code", code.wireName()).register(registry))
                    .increment();
        }
    }

    void queued(long nanos) {
        queueTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One forward pass of {@code size} requests that took {@code nanos}; each request records that time. */
    void batch(int size, long nanos) {
        items.increment(size);
        batches.increment();
        batchSize.record(size);
        for (int i = 0; i < size; i++) {
            computeTime.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void state(ModelState s) {
        state = s;
    }

    void loaded(double seconds) {
        loadSeconds = seconds;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
