package dev.tessera.image.train;

import dev.tessera.core.train.Trainer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the image family's training mains share: config arguments, the run's config file, timing, Ctrl-C. */
final class TrainRuns {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainRuns.class);

    private TrainRuns() {
    }

    /** {@code --config}: inline JSON when it starts with '{', else a JSON file; null gives an empty object. */
    static JsonObject configArgument(String value) throws IOException {
        if (value == null) {
            return new JsonObject();
        }
        String text = value.trim().startsWith("{") ? value : Files.readString(Path.of(value));
        try {
            return new JsonObject(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("--config is not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * The run's config: the one saved in the run folder when resuming (a resumed run must keep its
     * settings; {@code --config} is then ignored, with a warning when it was {@code explicit}ly given and
     * differs), else {@code given}, saved there for later resumes.
     */
    static JsonObject runConfig(Path runDir, String fileName, boolean resume, JsonObject given, boolean explicit)
            throws IOException {
        Path file = runDir.resolve(fileName);
        if (resume && Files.isRegularFile(file)) {
            JsonObject saved = new JsonObject(Files.readString(file));
            if (explicit && !saved.equals(given)) {
                LOG.warn("resuming with the settings saved in {}; the --config given now is ignored", file);
            }
            return saved;
        }
        Files.createDirectories(runDir);
        Files.writeString(file, given.encodePrettily() + "\n");
        return given;
    }

    /** On Ctrl-C or SIGTERM: cancel the run and wait (up to a minute) until it has written its checkpoint. */
    static CountDownLatch cancelOnShutdown(Trainer trainer) {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            trainer.cancel();
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cancel-training"));
        return done;
    }

    /** Deletes a scratch folder and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
