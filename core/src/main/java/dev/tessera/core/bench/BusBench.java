package dev.tessera.core.bench;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.core.cluster.TesseraVertx;
import dev.tessera.core.engine.EngineConfig;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.probe.ProbeModel;
import dev.tessera.core.probe.ProbeProvider;
import dev.tessera.core.probe.ProbeVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code tessera bench bus}: what a request costs on the event bus itself, and what micro-batching buys a
 * small model.
 *
 * <p><b>Round trip.</b> A consumer verticle that replies at once with the body it got; a closed loop of 1
 * and of {@code concurrency} outstanding requests, each a {@link TesseraPayload} of a small JSON and a
 * 256-byte blob. Measured on the local bus (one node, sender and consumer on two event loops; the codec's
 * {@code transform} hands over the same instance) and across a two-node cluster on loopback (sender on node A, consumer on node B; every message is
 * encoded, sent over TCP and decoded). Cluster rows are given as ratios to the local row with as many
 * clients.
 *
 * <p><b>Micro-batching.</b> The {@link ProbeVerticle} (a real 64→256→64 MLP, {@code steps} passes per
 * request, so compute dominates) under {@code concurrency} closed-loop clients that call
 * {@link ModelClient#request} as a front end does, with {@code maxBatch} 1, 4, 8 and 16, {@code maxDelayMs}
 * 0 (greedy), one lane. Every row is given as a ratio to {@code maxBatch = 1} measured in the same run.
 *
 * <p>Parameters ({@code --param key=value}): {@code seconds} measured per row (default 5, quick 1),
 * {@code warmupMs} unmeasured load before each row (default 2000, quick 500), {@code concurrency} (16),
 * {@code steps} per probe request (8), {@code rounds} of the batching rows (default 2, quick 1). Call
 * {@link #run} from a plain thread: it blocks on the loads.
 */
public final class BusBench implements BenchSuite {

    /** The echo consumer of the round-trip rows; only this suite listens here. */
    static final String ECHO_ADDRESS = "tessera.bench.echo";
    /** {@code maxBatch} values of the batching rows; the first is the reference. */
    static final List<Integer> MAX_BATCHES = List.of(1, 4, 8, 16);
    static final List<String> COLUMNS = List.of("measure", "bus", "clients", "maxBatch", "n", "per_s",
            "p50_us", "p95_us", "p99_us", "batch", "queue_us", "compute_us", "ref", "x_per_s", "x_p50", "x_p95",
            "x_p99");

    /** Bytes of the round-trip request's blob. */
    static final int TINY_BLOB_BYTES = 256;
    /** Deadline a probe request carries, as a front end would set one; far above any latency here. */
    private static final long PROBE_DEADLINE_MS = 60_000;
    private static final long SEND_TIMEOUT_MS = 30_000;
    private static final long START_TIMEOUT_S = 120;
    /**
     * Hazelcast's master waits this long for more joiners (default 5 s, and a joiner waits once more); on
     * loopback 1 s is plenty. Set only while the bench's own two nodes start, as the clustered tests do.
     */
    private static final String JOIN_WAIT = "hazelcast.wait.seconds.before.join";
    /** Model meters read over the window (docs/bus.md: tessera_queue_seconds, tessera_compute_seconds). */
    private static final String QUEUE_TIMER = "tessera.queue";
    private static final String COMPUTE_TIMER = "tessera.compute";

    /** What a run measures, from {@link BenchOptions}. */
    record Settings(Duration warmup, Duration measure, int concurrency, int steps, int rounds) {

        static Settings of(BenchOptions options) {
            int seconds = options.intParam("seconds", options.quick() ? 1 : 5);
            int warmupMs = options.intParam("warmupMs", options.quick() ? 500 : 2000);
            int concurrency = options.intParam("concurrency", 16);
            int steps = options.intParam("steps", 8);
            int rounds = options.intParam("rounds", options.quick() ? 1 : 2);
            check("seconds", seconds, 1, 3600);
            check("warmupMs", warmupMs, 0, 600_000);
            check("concurrency", concurrency, 1, 1024);
            check("steps", steps, 1, ProbeVerticle.MAX_STEPS);
            check("rounds", rounds, 1, 100);
            return new Settings(Duration.ofMillis(warmupMs), Duration.ofSeconds(seconds), concurrency, steps, rounds);
        }

        /** The client counts of the round-trip rows: 1, and {@code concurrency} when that is more. */
        List<Integer> roundTripClients() {
            return concurrency == 1 ? List.of(1) : List.of(1, concurrency);
        }

        /** Longest a load may take: warm-up, window, and a generous drain of what is still outstanding. */
        long loadTimeoutSeconds() {
            return warmup.toSeconds() + measure.toSeconds() + 60;
        }

        private static void check(String key, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException("bench bus: --param " + key + " must be in " + min + ".." + max
                        + ", got " + value);
            }
        }
    }

    @Override
    public String name() {
        return "bus";
    }

    @Override
    public String description() {
        return "event-bus round trip (local and two-node loopback cluster) and the micro-batching gain of a "
                + "small model";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        Settings settings = Settings.of(options);
        BenchReport report = new BenchReport(name(), COLUMNS);
        double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        Map<Integer, ClosedLoop.Result> local;
        Map<Integer, BatchingRow> batching;
        TesseraVertx.Node node = TesseraVertx.start(NodeOptions.local()).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        try {
            local = roundTrips(node.vertx(), node.vertx(), settings);
            batching = batching(node.vertx(), settings);
        } finally {
            node.close().await(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
        // The cluster runs alone, after the local node is closed, so its heartbeats disturb no other row.
        long t0 = System.nanoTime();
        long formedMs;
        Map<Integer, ClosedLoop.Result> cluster;
        try (TwoNodes nodes = TwoNodes.start()) {
            formedMs = (System.nanoTime() - t0) / 1_000_000;
            cluster = roundTrips(nodes.sender().vertx(), nodes.consumer().vertx(), settings);
        }

        for (int clients : settings.roundTripClients()) {
            ClosedLoop.Result r = local.get(clients);
            row(report, "round trip", "local", null, r, null, null, "local", r);
        }
        for (int clients : settings.roundTripClients()) {
            row(report, "round trip", "cluster", null, cluster.get(clients), null, null, "local", local.get(clients));
        }
        ClosedLoop.Result reference = batching.get(MAX_BATCHES.get(0)).load();
        for (int maxBatch : MAX_BATCHES) {
            BatchingRow b = batching.get(maxBatch);
            row(report, "batching", "local", maxBatch, b.load(), b.meanQueueMicros(), b.meanComputeMicros(),
                    "maxBatch=1", reference);
        }
        notes(report, settings, loadAverage, formedMs);
        return report;
    }

    // ---- round trip ----

    /** One closed-loop load per client count against an echo consumer on {@code consumerSide}. */
    private static Map<Integer, ClosedLoop.Result> roundTrips(Vertx senderSide, Vertx consumerSide,
                                                              Settings settings) throws Exception {
        String echo = consumerSide.deployVerticle(new EchoVerticle()).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        try {
            EventBus bus = senderSide.eventBus();
            TesseraPayload body = tinyPayload();
            DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS);
            Map<Integer, ClosedLoop.Result> results = new LinkedHashMap<>();
            for (int clients : settings.roundTripClients()) {
                results.put(clients, ClosedLoop.run(senderSide, clients, settings.warmup(), settings.measure(),
                                () -> bus.request(ECHO_ADDRESS, body, delivery).map(1), ClosedLoop.Window.NONE)
                        .await(settings.loadTimeoutSeconds(), TimeUnit.SECONDS));
            }
            return results;
        } finally {
            consumerSide.undeploy(echo).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /**
     * Answers every message on {@link #ECHO_ADDRESS} at once with the body it got. A verticle of its own, so
     * it gets its own event loop: on the local bus the round trip crosses threads, as between two verticles.
     */
    private static final class EchoVerticle extends VerticleBase {
        @Override
        public Future<?> start() {
            MessageConsumer<TesseraPayload> echo = vertx.eventBus().consumer(ECHO_ADDRESS, m -> m.reply(m.body()));
            // On a clustered bus the registration spreads asynchronously: started once node A can reach it.
            return echo.completion();
        }
    }

    /**
     * The round-trip body: a small JSON and a 256-byte uint8 blob, so that a clustered send runs every part
     * of the codec (JSON, blob header with dtype and shape, bytes). Shared by every request: by the bus
     * contract neither side modifies a payload it sent or received.
     */
    static TesseraPayload tinyPayload() {
        byte[] bytes = new byte[TINY_BLOB_BYTES];
        new SplittableRandom(11).nextBytes(bytes);
        return TesseraPayload.of(new JsonObject().put("op", "echo").put("seed", 11).put("note", "bus bench"),
                new Blob("data", Blob.OCTET_STREAM, "uint8", new long[] {TINY_BLOB_BYTES}, bytes));
    }

    // ---- micro-batching ----

    /**
     * One batching row, pooled over its rounds: the load, and the model's queue and compute timers over the
     * measuring windows (count and total µs of each).
     */
    private record BatchingRow(ClosedLoop.Result load, long queued, double queueMicros, long computed,
                               double computeMicros) {

        BatchingRow plus(BatchingRow other) {
            return new BatchingRow(load.plus(other.load), queued + other.queued, queueMicros + other.queueMicros,
                    computed + other.computed, computeMicros + other.computeMicros);
        }

        double meanQueueMicros() {
            return queueMicros / queued;
        }

        /** Per request, the forward time of the batch that held it. */
        double meanComputeMicros() {
            return computeMicros / computed;
        }
    }

    /**
     * The probe under each {@code maxBatch}, each load on a fresh deployment. With more than one round the
     * order alternates (1, 4, 8, 16, 16, 8, 4, 1, ...) and each row pools its rounds, so a load on the machine
     * that drifts during the run biases no row against the reference.
     */
    private static Map<Integer, BatchingRow> batching(Vertx vertx, Settings settings) throws Exception {
        // Started here, on the caller's thread, so that no row's model thread is the one that started the engine:
        // libtorch applies TESSERA_THREADS through OpenMP, whose thread count is kept per thread, so only that
        // thread gets it; every model thread then runs alike (OMP_NUM_THREADS, else one per core).
        if (Engines.config() == null) {
            Engines.start();
        }
        Map<Integer, BatchingRow> rows = new LinkedHashMap<>();
        MAX_BATCHES.forEach(b -> rows.put(b, null));
        for (int round = 0; round < settings.rounds(); round++) {
            List<Integer> order = new ArrayList<>(MAX_BATCHES);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (int maxBatch : order) {
                BatchingRow r = probeLoad(vertx, settings, maxBatch);
                rows.merge(maxBatch, r, BatchingRow::plus);
            }
        }
        return rows;
    }

    /** One closed-loop load of a fresh probe deployment with {@code maxBatch}, greedy, one lane. */
    private static BatchingRow probeLoad(Vertx vertx, Settings settings, int maxBatch) throws Exception {
        JsonObject config = new JsonObject().put("maxBatch", maxBatch).put("maxDelayMs", 0)
                .put("maxQueue", Math.max(32, 2 * settings.concurrency())).put("lanes", 1);
        String deployment = ModelProviders.deploy(vertx, new ProbeProvider(), Path.of("."), config)
                .await(START_TIMEOUT_S, TimeUnit.SECONDS);
        try {
            EventBus bus = vertx.eventBus();
            TesseraPayload body = probeRequest(settings.steps());
            ModelMeters meters = new ModelMeters(TesseraVertx.meters(vertx), ProbeVerticle.NAME);
            ClosedLoop.Result load = ClosedLoop.run(vertx, settings.concurrency(), settings.warmup(),
                            settings.measure(),
                            () -> ModelClient.request(bus, Addresses.PROBE_INFER, UUID.randomUUID().toString(), body,
                                            PROBE_DEADLINE_MS, null)
                                    .map(reply -> reply.body().params().getInteger("batchSize")),
                            meters)
                    .await(settings.loadTimeoutSeconds(), TimeUnit.SECONDS);
            return meters.row(load);
        } finally {
            vertx.undeploy(deployment).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /** One row of 64 seeded features, {@code steps} passes; shared by every request like {@link #tinyPayload}. */
    static TesseraPayload probeRequest(int steps) {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[ProbeModel.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return TesseraPayload.of(new JsonObject().put("steps", steps), Blob.ofFloats("x", x, 1, ProbeModel.FEATURES));
    }

    /** The model's queue and compute timers, read when the window opens and closes: means over the window. */
    private static final class ModelMeters implements ClosedLoop.Window {
        private final Timer queue;
        private final Timer compute;
        private final double[] opened = new double[4];
        private final double[] closed = new double[4];

        ModelMeters(MeterRegistry registry, String model) {
            queue = registry.get(QUEUE_TIMER).tag("model", model).timer();
            compute = registry.get(COMPUTE_TIMER).tag("model", model).timer();
        }

        @Override
        public void opened() {
            read(opened);
        }

        @Override
        public void closed() {
            read(closed);
        }

        private void read(double[] into) {
            into[0] = queue.count();
            into[1] = queue.totalTime(TimeUnit.MICROSECONDS);
            into[2] = compute.count();
            into[3] = compute.totalTime(TimeUnit.MICROSECONDS);
        }

        /** The row of {@code load}, with the timers' change over its window. */
        BatchingRow row(ClosedLoop.Result load) {
            return new BatchingRow(load, Math.round(closed[0] - opened[0]), closed[1] - opened[1],
                    Math.round(closed[2] - opened[2]), closed[3] - opened[3]);
        }
    }

    // ---- the cluster ----

    /** Two clustered nodes in this JVM on 127.0.0.1, in a cluster of their own; closed together. */
    private record TwoNodes(TesseraVertx.Node sender, TesseraVertx.Node consumer) implements AutoCloseable {

        static TwoNodes start() throws Exception {
            int portA = freePort();
            int portB = freePort();
            List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
            // A random name, so a bench never merges with a server or a test running on this machine.
            String cluster = "tessera-bench-" + UUID.randomUUID();
            String joinWaitBefore = System.setProperty(JOIN_WAIT, "1");
            Future<TesseraVertx.Node> a;
            Future<TesseraVertx.Node> b;
            try {
                // Started together, each finds the other on its first join attempt.
                a = TesseraVertx.start(new NodeOptions(true, "127.0.0.1", portA, 0, members, 10, cluster));
                b = TesseraVertx.start(new NodeOptions(true, "127.0.0.1", portB, 0, members, 10, cluster));
                Future.join(a, b).await(START_TIMEOUT_S, TimeUnit.SECONDS);
            } finally {
                if (joinWaitBefore == null) {
                    System.clearProperty(JOIN_WAIT);
                } else {
                    System.setProperty(JOIN_WAIT, joinWaitBefore);
                }
            }
            if (a.failed() || b.failed()) {
                Throwable cause = a.failed() ? a.cause() : b.cause();
                Future.join(a.succeeded() ? a.result().close() : Future.succeededFuture(),
                        b.succeeded() ? b.result().close() : Future.succeededFuture())
                        .await(START_TIMEOUT_S, TimeUnit.SECONDS);
                throw new IllegalStateException("bench bus: the two-node loopback cluster did not form: " + cause,
                        cause);
            }
            return new TwoNodes(a.result(), b.result());
        }

        @Override
        public void close() throws Exception {
            Future.join(sender.close(), consumer.close()).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }

    // ---- the report ----

    private static void row(BenchReport report, String measure, String bus, Integer maxBatch, ClosedLoop.Result r,
                            Double queueMicros, Double computeMicros, String refName, ClosedLoop.Result ref) {
        report.row(measure, bus, r.clients(), maxBatch, r.answered(), r.perSecond(),
                r.percentileMicros(0.50), r.percentileMicros(0.95), r.percentileMicros(0.99),
                maxBatch == null ? null : r.meanBatch(), queueMicros, computeMicros, refName,
                r.perSecond() / ref.perSecond(),
                r.percentileMicros(0.50) / ref.percentileMicros(0.50),
                r.percentileMicros(0.95) / ref.percentileMicros(0.95),
                r.percentileMicros(0.99) / ref.percentileMicros(0.99));
    }

    private static void notes(BenchReport report, Settings s, double loadAverage, long clusterFormedMs) {
        int cores = Runtime.getRuntime().availableProcessors();
        report.note(String.format(Locale.ROOT, "machine: %d cores, load average %.2f when the run started; "
                + "every ratio compares rows of this run", cores, loadAverage));
        report.note(String.format(Locale.ROOT, "each row: closed loop of `clients` outstanding requests, all sent from "
                + "one verticle, %d ms warm-up, then %d s measured (batching rows: %d such loads, "
                + "alternating order, pooled); n = answers in the window, per_s = "
                + "answers per second (messages/s for round trip, items/s for batching), p50/p95/p99 = round-trip "
                + "latency in µs at the sender", s.warmup().toMillis(), s.measure().toSeconds(), s.rounds()));
        report.note("round trip: TesseraPayload of " + tinyPayload().params().encode().length()
                + " bytes of JSON and a " + TINY_BLOB_BYTES + "-byte uint8 blob, echoed at once by a consumer verticle; "
                + "local = one node, sender and consumer on two event loops, the codec handing the same instance over "
                + "(no copy); cluster = sender on "
                + "node A, consumer on node B, two nodes in one JVM, so it includes Hazelcast-clustered event-bus "
                + "TCP over loopback and the TesseraPayload wire encoding and decoding both ways; "
                + "x_* = cluster / local at equal clients");
        report.note("batching: ProbeVerticle (64-256-64 GELU MLP, one row, " + s.steps() + " passes per request, "
                + "progress published per pass) deployed with maxDelayMs 0 (greedy), 1 lane, requests sent through "
                + "ModelClient.request with a job id and a deadline; batch = requests per forward pass; queue_us / "
                + "compute_us = mean per request of queue time and of the forward time of its batch (the model's "
                + "tessera_queue_seconds / tessera_compute_seconds over the window); x_* = row / maxBatch=1 "
                + "(x_per_s > 1: more items/s; x_p* > 1: slower)");
        EngineConfig engine = Engines.config();
        int intra = engine == null ? 0 : engine.intraOpThreads();
        String omp = System.getenv("OMP_NUM_THREADS");
        report.note("engine: TESSERA_THREADS " + (intra == 0 ? "unset" : "= " + intra) + " (the engine-starting "
                + "thread only); the model threads follow OMP_NUM_THREADS " + (omp == null ? "unset (one per core)"
                : "= " + omp) + ", since libtorch's OpenMP thread count is kept per thread; on shared cores more "
                + "than one intra-op thread stalls the probe's tiny operators on OpenMP barriers");
        report.note("the cluster of two nodes formed in " + clusterFormedMs + " ms (Hazelcast TCP join on 127.0.0.1, "
                + "a cluster name of its own)");
    }
}
