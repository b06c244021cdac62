package dev.tessera.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.api.TinyVocoderModel;
import dev.tessera.web.cli.TesseraCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise end to end, with real processes: {@code tessera serve} runs as a child process on a
 * SQLite store, a batch is submitted, the process is killed with SIGKILL while items are running, and a new
 * process on the same store and output folder finishes the batch. Then every item succeeded exactly once in
 * the store's attempt records, every output exists once with the size and SHA-256 the store recorded, and no
 * temporary file is left. The figures go to the test's output ({@code crash test: ...}) and docs/batch.md.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BatchCrashTest {

    static final int IMAGES = 4;
    static final int AUDIO = 4;

    @TempDir
    Path dir;

    private Process server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void killServer() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
    }

    @Test
    void aBatchKilledMidwayFinishesAfterARestartWithEveryItemCompletedOnce() throws Exception {
        Path models = dir.resolve("models");
        TinyImageModels.write(models, 3, false);
        TinyVocoderModel.write(models, 51);
        Path store = dir.resolve("jobs.db");
        Path outputs = dir.resolve("outputs");
        int port = freePort();

        server = serve(models, store, outputs, port, "first");
        awaitReady(port);
        JsonArray items = new JsonArray();
        for (int i = 0; i < IMAGES; i++) {
            items.add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("class", i % 4)
                    .put("seed", 40 + i)).put("output", "img-" + i + ".png"));
        }
        for (int i = 0; i < AUDIO; i++) {
            byte[] npy = TinyVocoderModel.npy(TinyVocoderModel.mel(24, i), 80, 24);
            items.add(new JsonObject().put("kind", "audio").put("params", new JsonObject()
                    .put("npy", Base64.getEncoder().encodeToString(npy)).put("steps", 4)).put("output", "clip-" + i + ".wav"));
        }
        HttpResponse<String> created = send(port, HttpRequest.newBuilder(uri(port, BatchRoutes.PATH))
                .header("Content-Type", "application/json").header(BatchRoutes.IDEMPOTENCY_KEY, "crash-test")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("items", items).encode())));
        assertEquals(202, created.statusCode(), created.body() + logs());
        String id = new JsonObject(created.body()).getString("id");

        // Kill once some items are done and others are running.
        JsonObject counts;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        do {
            Thread.sleep(25);
            counts = status(port, id).getJsonObject("counts");
            assertTrue(System.nanoTime() < deadline, "no progress before the kill: " + counts);
        } while (counts.getInteger("succeeded") < 2 || counts.getInteger("running") == 0);
        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        JsonObject atKill = counts;

        server = serve(models, store, outputs, port, "second");
        awaitReady(port);
        JsonObject done;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        do {
            Thread.sleep(200);
            done = status(port, id);
            assertTrue(System.nanoTime() < deadline, "the batch did not finish after the restart: " + done.encode());
        } while (!done.getJsonObject("counts").getInteger("queued").equals(0)
                || !done.getJsonObject("counts").getInteger("running").equals(0));
        assertEquals("succeeded", done.getString("state"), done.encode());
        JsonArray listed = new JsonObject(send(port, HttpRequest.newBuilder(uri(port, BatchRoutes.PATH + "/" + id
                + "/outputs"))).body()).getJsonArray("outputs");
        server.destroy();                                  // SIGTERM: a clean stop releases the store
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not stop on SIGTERM");

        JobStore reopened = JobStores.sqlite(store, System::currentTimeMillis).await(20, TimeUnit.SECONDS);
        List<JobStore.Attempt> attempts;
        List<JobStore.ItemStatus> stored;
        try {
            attempts = reopened.attempts(id).await(20, TimeUnit.SECONDS);
            stored = reopened.items(id).await(20, TimeUnit.SECONDS);
        } finally {
            reopened.close().await(10, TimeUnit.SECONDS);
        }
        Map<Integer, Long> completions = attempts.stream().filter(a -> "succeeded".equals(a.outcome()))
                .collect(Collectors.groupingBy(JobStore.Attempt::index, Collectors.counting()));
        long rerun = attempts.stream().filter(a -> "expired".equals(a.outcome())).count();
        int total = IMAGES + AUDIO;
        long duplicated = completions.values().stream().filter(n -> n > 1).count();
        long lost = total - completions.size();

        Path batchDir = outputs.resolve(id);
        List<String> files;
        try (Stream<Path> list = Files.list(batchDir)) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Map<String, JsonObject> byName = new HashMap<>();
        listed.forEach(o -> byName.put(((JsonObject) o).getString("name"), (JsonObject) o));
        System.out.printf("crash test: %d items submitted; SIGKILL at %s; after the restart %d completed, "
                + "%d duplicated, %d lost, %d attempt(s) re-run after the kill, files %d%n", total, atKill.encode(),
                completions.size(), duplicated, lost, rerun, files.size());

        assertEquals(total, stored.stream().filter(i -> "succeeded".equals(i.state())).count());
        assertEquals(0, duplicated, "an item completed twice: " + completions);
        assertEquals(0, lost, "items never completed: " + completions);
        assertTrue(rerun >= 1, "the kill interrupted no item: " + attempts);
        assertEquals(total, files.size(), "files: " + files + " (a temporary file was left?)");
        for (JobStore.ItemStatus item : stored) {
            byte[] bytes = Files.readAllBytes(batchDir.resolve(item.output()));
            assertEquals(item.bytes(), bytes.length, item.output());
            assertEquals(item.sha256(), OutputFiles.sha256(bytes), item.output());
            assertEquals(item.sha256(), byName.get(item.output()).getString("sha256"));
            assertTrue(item.attempts() <= 2, item + " needed more than one retry");
        }
    }

    /** {@code tessera serve} in a child JVM with this test's class path and JVM flags. */
    private Process serve(Path models, Path store, Path outputs, int port, String log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dai.djl")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), TesseraCommand.class.getName(),
                "serve", "--port", Integer.toString(port), "--models", models.toString(), "--store", "sqlite:" + store,
                "--outputs", outputs.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log + ".log").toFile());
        pb.environment().put("TESSERA_THREADS", "1");
        return pb.start();
    }

    private void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            assertTrue(server.isAlive(), "the server exited: " + logs());
            try {
                if (send(port, HttpRequest.newBuilder(uri(port, "/ready"))).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "the server was not ready in 90 s: " + logs());
            Thread.sleep(200);
        }
    }

    private String logs() throws IOException {
        try (Stream<Path> logs = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                sb.append("\n--- ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
            return sb.toString();
        }
    }

    private JsonObject status(int port, String id) throws Exception {
        return new JsonObject(send(port, HttpRequest.newBuilder(uri(port, BatchRoutes.PATH + "/" + id + "?items=false")))
                .body());
    }

    private HttpResponse<String> send(int port, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
