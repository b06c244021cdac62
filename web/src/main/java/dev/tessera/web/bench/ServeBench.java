package dev.tessera.web.bench;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tessera bench serve} (issue 7): a load run on loopback. A server with the installed models starts in
 * this JVM; for a fixed time N studio websocket clients and M vocoder API clients each send one request after
 * another. Per front end: requests per second, p50/p99 latency, refusals (429 rate_limited, 503 busy), errors
 * of any other kind, and lost jobs (accepted, never answered within the drain time). The JVM's resident set
 * (VmRSS) at start and end, and over a run of {@code vocodeRequests} vocoder calls (issue 3: native memory
 * must stay flat).
 *
 * <p>The websocket clients use the studio protocol: {@code hello}, then {@code generate} with their own job id,
 * waiting for that job's terminal event ({@code result}, {@code error} or {@code cancelled}); they run the
 * vocoder on an uploaded one-second tone, and alternate with the image model when it is installed.
 */
public final class ServeBench implements BenchSuite {

    static final List<String> COLUMNS = List.of("front", "clients", "requests", "per s", "p50 ms", "p99 ms",
            "refused (429/503)", "errors", "lost", "RSS start MiB", "RSS end MiB");
    private static final int SAMPLE_RATE = 22_050;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String description() {
        return "load run on loopback: websocket studio clients and vocoder API clients; req/s, p50/p99, errors, RSS";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        Path models = Path.of(options.params().getOrDefault("models", "models"));
        int seconds = options.intParam("seconds", quick ? 5 : 30);
        int wsClients = options.intParam("wsClients", quick ? 2 : 4);
        int apiClients = options.intParam("apiClients", quick ? 2 : 4);
        int steps = options.intParam("steps", 2);
        int vocodeRequests = options.intParam("vocodeRequests", quick ? 20 : 1000);
        TesseraServer server = TesseraServer.start(ServerOptions.local(0, models)).toCompletionStage()
                .toCompletableFuture().get(300, TimeUnit.SECONDS);
        try {
            if (!server.models().contains("vocoder")) {
                throw new IllegalStateException("tessera bench serve needs the vocoder installed under " + models
                        + "; installed: " + server.models());
            }
            boolean images = server.models().contains("image-ar");
            String base = server.url();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            byte[] wav = toneWav();
            String upload = new JsonObject(post(http, base + "/api/v1/uploads", "audio/wav", wav).body()).getString("id");

            long rssStart = residentMiB();
            Stats api = new Stats();
            Stats ws = new Stats();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < apiClients; i++) {
                threads.add(started("bench-api-" + i, () -> apiLoop(http, base, wav, steps, until, api)));
            }
            for (int i = 0; i < wsClients; i++) {
                int client = i;
                threads.add(started("bench-ws-" + i, () -> wsLoop(http, base, upload, steps, images, client, until, ws)));
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(seconds + 180L));
            }
            long rssEnd = residentMiB();
            BenchReport report = new BenchReport(name(), COLUMNS);
            api.row(report, "vocoder API (POST /api/v1/vocode)", apiClients, seconds, rssStart, rssEnd);
            ws.row(report, "studio websocket (" + (images ? "vocoder + image-ar" : "vocoder") + ")", wsClients,
                    seconds, rssStart, rssEnd);

            // Native memory over many vocoder requests (issue 3): RSS before and after, 4 clients at a time.
            long before = residentMiB();
            Stats many = new Stats();
            AtomicLong left = new AtomicLong(vocodeRequests);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                workers.add(started("bench-vocode-" + i, () -> {
                    while (left.getAndDecrement() > 0) {
                        apiCall(http, base, wav, 1, many);
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            long after = residentMiB();
            many.row(report, "vocoder API, " + vocodeRequests + " requests (1 step)", 4, Math.max(1, many.wallSeconds()),
                    before, after);
            report.note(String.format(Locale.ROOT, "%d s per front end run at the same time; vocoder steps %d; a 1 s "
                    + "tone per request; models from %s: %s", seconds, steps, models, server.models()));
            report.note("refused = 429 rate_limited or 503 busy (admission working); errors = anything else; lost = "
                    + "accepted and never answered (timeout 120 s)");
            report.note("RSS = this JVM's VmRSS (server, clients and libtorch), MiB");
            return report;
        } finally {
            server.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private static Thread started(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    private static void apiLoop(HttpClient http, String base, byte[] wav, int steps, long until, Stats stats) {
        while (System.nanoTime() < until) {
            apiCall(http, base, wav, steps, stats);
        }
    }

    private static void apiCall(HttpClient http, String base, byte[] wav, int steps, Stats stats) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = post(http, base + "/api/v1/vocode?steps=" + steps, "audio/wav", wav);
            stats.record(r.statusCode(), System.nanoTime() - t0);
        } catch (java.net.http.HttpTimeoutException e) {
            stats.lost.incrementAndGet();
        } catch (IOException | InterruptedException e) {
            stats.errors.incrementAndGet();
        }
    }

    private static void wsLoop(HttpClient http, String base, String upload, int steps, boolean images, int client,
                               long until, Stats stats) {
        Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
        CompletableFuture<Void> hello = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    JsonObject m = new JsonObject(text.toString());
                    text.setLength(0);
                    String type = m.getString("type");
                    if ("hello".equals(type)) {
                        hello.complete(null);
                    }
                    CompletableFuture<String> f = m.getString("jobId") == null ? null : pending.get(m.getString("jobId"));
                    if (f != null && ("result".equals(type) || "error".equals(type) || "cancelled".equals(type))) {
                        String code = "error".equals(type) ? m.getJsonObject("data", new JsonObject()).getString("code", "") : "";
                        f.complete(type + ":" + code);
                    }
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                socket.request(1);                                                   // previews and audio chunks
                return null;
            }
        };
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(base.replace("http://", "ws://") + "/ws"), listener).get(30, TimeUnit.SECONDS);
            socket.sendText(new JsonObject().put("type", "hello").put("data", new JsonObject().put("protocol", 1)
                    .put("binary", true)).encode(), true).get(10, TimeUnit.SECONDS);
            hello.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            stats.errors.incrementAndGet();
            return;
        }
        int n = 0;
        while (System.nanoTime() < until) {
            String jobId = UUID.randomUUID().toString();
            boolean image = images && (n++ + client) % 2 == 1;
            JsonObject data = image
                    ? new JsonObject().put("model", "image-ar").put("params", new JsonObject().put("seed", n))
                    : new JsonObject().put("model", "vocoder").put("params", new JsonObject().put("input", upload)
                            .put("steps", steps));
            CompletableFuture<String> done = new CompletableFuture<>();
            pending.put(jobId, done);
            long t0 = System.nanoTime();
            try {
                socket.sendText(new JsonObject().put("type", "generate").put("jobId", jobId).put("data", data).encode(), true)
                        .get(10, TimeUnit.SECONDS);
                String outcome = done.get(120, TimeUnit.SECONDS);
                int status = outcome.startsWith("result") ? 200
                        : outcome.endsWith("rate_limited") ? 429 : outcome.endsWith("busy") ? 503 : 500;
                stats.record(status, System.nanoTime() - t0);
            } catch (java.util.concurrent.TimeoutException e) {
                stats.lost.incrementAndGet();
            } catch (Exception e) {
                stats.errors.incrementAndGet();
            } finally {
                pending.remove(jobId);
            }
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    private static HttpResponse<String> post(HttpClient http, String url, String type, byte[] body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One second of a 220 Hz harmonic tone, 16-bit mono WAV at 22,050 Hz. */
    static byte[] toneWav() throws IOException {
        float[] x = new float[SAMPLE_RATE];
        for (int n = 0; n < x.length; n++) {
            double s = 0;
            for (int h = 1; h <= 5; h++) {
                s += Math.sin(2 * Math.PI * 220 * h * n / SAMPLE_RATE) / h;
            }
            x[n] = (float) (0.3 * s);
        }
        return WavWriter.write(x, SAMPLE_RATE, WavEncoding.PCM_16);
    }

    /** VmRSS of this process in MiB, or -1 where /proc is absent. */
    static long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Outcomes of one front end's requests. */
    static final class Stats {
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong refused = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final long started = System.nanoTime();

        void record(int status, long nanos) {
            if (status == 200) {
                latencies.add(nanos);
            } else if (status == 429 || status == 503) {
                refused.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
        }

        double wallSeconds() {
            return (System.nanoTime() - started) / 1e9;
        }

        void row(BenchReport report, String front, int clients, double seconds, long rssStart, long rssEnd) {
            List<Long> sorted;
            synchronized (latencies) {
                sorted = new ArrayList<>(latencies);
            }
            Collections.sort(sorted);
            long total = sorted.size() + refused.get() + errors.get() + lost.get();
            report.row(front, clients, total, sorted.size() / seconds, percentileMs(sorted, 0.50),
                    percentileMs(sorted, 0.99), refused.get(), errors.get(), lost.get(), rssStart, rssEnd);
        }

        private static Double percentileMs(List<Long> sorted, double q) {
            if (sorted.isEmpty()) {
                return null;
            }
            int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
            return sorted.get(Math.max(0, i)) / 1e6;
        }
    }
}
