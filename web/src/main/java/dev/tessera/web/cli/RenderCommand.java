package dev.tessera.web.cli;

import dev.tessera.web.jobs.BatchRoutes;
import dev.tessera.web.jobs.BatchRunner;
import dev.tessera.web.jobs.OutputFiles;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera render BATCH.json}: a batch through {@code /api/v1/batches}, on a running server
 * ({@code --server}) or on one started in this process for the purpose. The batch is submitted with an
 * idempotency key made from the file's contents, so running the same command again finds the batch (also
 * after a crash of either side) and continues where it stopped; outputs are downloaded into {@code --out} as
 * they finish, each checked against its SHA-256, and files already there with the right hash are kept.
 */
@Command(name = "render",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Render a batch of images and audio, with a progress bar; rerun to resume.",
        description = {
            "Submits BATCH.json ({name?, items:[{kind: image|audio, model, params, output}]}, see docs/batch.md) "
                    + "to the server at --server, or, without it, to a server started in this process on the "
                    + "models under --models with its job store in OUT/.tessera (audio items' input paths are then "
                    + "read relative to the batch file's folder). Shows a progress bar and downloads each output "
                    + "into OUT as it finishes.",
            "The same command run again (after Ctrl-C, a crash, or a server restart) resumes the same batch: it is "
                    + "found by an idempotency key made from the file's contents."},
        footer = {"", "Examples:",
            "  tessera render batch.json --out renders",
            "  tessera render batch.json --out renders --server http://127.0.0.1:8080"})
final class RenderCommand implements Callable<Integer> {

    /** How often the batch's state is read. */
    static final long POLL_MS = 500;

    @Parameters(index = "0", paramLabel = "BATCH.json", description = "The batch: a JSON object with items.")
    Path batchFile;

    @Option(names = "--out", defaultValue = "renders", paramLabel = "DIR",
            description = "Folder the outputs are downloaded into (created). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--server", paramLabel = "URL",
            description = "A running server, e.g. http://127.0.0.1:8080. Default: a server in this process.")
    String serverUrl;

    @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
            description = "Models of the in-process server. Default: ${DEFAULT-VALUE}.")
    Path models;

    @Option(names = "--token", defaultValue = "${env:TESSERA_TOKEN}", paramLabel = "T",
            description = "Bearer token of --server. Default: the TESSERA_TOKEN environment variable.")
    String token;

    @Spec
    CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        byte[] body;
        try {
            body = Files.readAllBytes(batchFile);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + batchFile + ": " + e.getMessage());
        }
        JsonObject batch;
        try {
            batch = new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (DecodeException e) {
            throw new ParameterException(spec.commandLine(), batchFile + " is not a JSON object: " + e.getMessage());
        }
        String key = "render:" + OutputFiles.sha256(body);
        Files.createDirectories(out);
        TesseraServer local = null;
        String base = serverUrl;
        if (base == null) {
            Path state = out.resolve(".tessera");
            Path inputs = batchFile.toAbsolutePath().getParent();
            local = TesseraServer.start(ServerOptions.local(0, models).withBatch(new ServerOptions.BatchOptions(
                    "sqlite:" + state.resolve("jobs.db"), state.resolve("outputs"), inputs,
                    BatchRunner.Settings.DEFAULT))).await(5, TimeUnit.MINUTES);
            base = local.url();
            for (Object o : batch.getJsonArray("items", new JsonArray())) {
                String model = o instanceof JsonObject item ? ("image".equals(item.getString("kind")) ? "image-ar"
                        : "audio".equals(item.getString("kind")) ? "vocoder" : null) : null;
                if (model != null && !local.models().contains(model)) {
                    local.stop().await(60, TimeUnit.SECONDS);
                    throw new IllegalStateException("model " + model + " is not installed under " + models
                            + "; install it there or render on a server that has it (--server URL)");
                }
            }
        }
        try {
            return render(base.replaceAll("/+$", ""), key, batch);
        } finally {
            if (local != null) {
                local.stop().await(60, TimeUnit.SECONDS);
            }
        }
    }

    private int render(String base, String key, JsonObject batch) throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        HttpResponse<String> submitted = send(request(base + BatchRoutes.PATH).header("Content-Type", "application/json")
                .header(BatchRoutes.IDEMPOTENCY_KEY, key).POST(HttpRequest.BodyPublishers.ofString(batch.encode())));
        JsonObject answer = json(submitted);
        if (submitted.statusCode() != 202) {
            JsonObject fields = answer.getJsonObject("details", new JsonObject()).getJsonObject("fields");
            throw new IllegalArgumentException(batchFile + " was refused (HTTP " + submitted.statusCode() + "): "
                    + answer.getString("message") + (fields == null ? "" : " " + fields.encode()));
        }
        String id = answer.getString("id");
        boolean resumed = "true".equals(submitted.headers().firstValue("Idempotent-Replayed").orElse("false"));
        int total = answer.getInteger("items");
        stdout.printf("%s batch %s (%d items) on %s%n", resumed ? "resuming" : "submitted", id, total, base);
        stdout.flush();
        List<String> downloaded = new ArrayList<>();
        JsonObject status;
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("render")
                .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" items", 1)
                .setUpdateIntervalMillis(250).build()) {
            while (true) {
                status = json(send(request(base + BatchRoutes.PATH + "/" + id)));
                for (Object o : status.getJsonArray("items", new JsonArray())) {
                    JsonObject item = (JsonObject) o;
                    if ("succeeded".equals(item.getString("state")) && !downloaded.contains(item.getString("output"))) {
                        download(base, item);
                        downloaded.add(item.getString("output"));
                    }
                }
                JsonObject c = status.getJsonObject("counts");
                int finished = total - c.getInteger("queued") - c.getInteger("running");
                if (bar != null) {
                    bar.stepTo(finished);
                    bar.setExtraMessage(c.getInteger("failed") > 0 ? c.getInteger("failed") + " failed" : "");
                }
                if (finished == total) {
                    break;
                }
                Thread.sleep(POLL_MS);
            }
        }
        JsonObject c = status.getJsonObject("counts");
        stdout.printf("batch %s %s: %d succeeded, %d failed, %d cancelled; outputs in %s%n", id,
                status.getString("state"), c.getInteger("succeeded"), c.getInteger("failed"), c.getInteger("cancelled"),
                out.toAbsolutePath());
        stdout.flush();
        if (c.getInteger("succeeded") == total) {
            return 0;
        }
        List<String> failures = new ArrayList<>();
        for (Object o : status.getJsonArray("items")) {
            JsonObject item = (JsonObject) o;
            if (item.containsKey("error") && !"succeeded".equals(item.getString("state"))) {
                failures.add(item.getString("output") + ": " + item.getJsonObject("error").getString("message"));
            }
        }
        throw new IllegalStateException((total - c.getInteger("succeeded")) + " item(s) did not succeed"
                + (failures.isEmpty() ? "" : "; " + String.join("; ", failures.subList(0, Math.min(3, failures.size())))));
    }

    /** Downloads one output unless a file with its hash is already there; written to a temporary name, then renamed. */
    private void download(String base, JsonObject item) throws Exception {
        Path file = out.resolve(item.getString("output"));
        String sha = item.getString("sha256");
        if (Files.isRegularFile(file) && OutputFiles.sha256(Files.readAllBytes(file)).equals(sha)) {
            return;
        }
        HttpResponse<byte[]> r = http.send(request(base + item.getString("url")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || !OutputFiles.sha256(r.body()).equals(sha)) {
            throw new IOException("downloading " + item.getString("url") + " failed (HTTP " + r.statusCode()
                    + (r.statusCode() == 200 ? ", wrong SHA-256" : "") + ")");
        }
        Path temp = out.resolve("." + file.getFileName() + ".download");
        Files.write(temp, r.body());
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the server at " + request.build().uri() + "; is it running?", e);
        }
    }

    private static JsonObject json(HttpResponse<String> r) {
        try {
            return new JsonObject(r.body());
        } catch (DecodeException e) {
            throw new IllegalStateException("the server answered HTTP " + r.statusCode() + " without JSON: " + r.body());
        }
    }
}
