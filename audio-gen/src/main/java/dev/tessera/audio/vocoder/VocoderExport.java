package dev.tessera.audio.vocoder;

import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.TensorData;
import dev.tessera.core.train.TrainingCheckpoints;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns a training run's checkpoint into a servable vocoder: the EMA weights under their plain
 * parameter names, with the {@link VocoderConfig} embedded, as {@code <out>/<name>.safetensors} plus
 * {@code <out>/<name>.json}. Reads files only (no engine), so it can run while training continues.
 *
 * <pre>
 *   java ... dev.tessera.audio.vocoder.VocoderExport --run runs/vocoder --out models/vocoder [--name periodwave-tiny] [--step N]
 * </pre>
 */
public final class VocoderExport {

    /** The most a shipped vocoder may weigh. */
    public static final long MAX_BYTES = 20L * 1024 * 1024;
    public static final String DEFAULT_NAME = "periodwave-tiny";
    /** The model config a training run writes into its folder. */
    public static final String RUN_CONFIG = "vocoder.json";

    private VocoderExport() {
    }

    /**
     * Exports step {@code step} (or the newest when empty) of {@code runDir}.
     *
     * @return the tensors file written
     */
    public static Path export(Path runDir, OptionalLong step, Path outDir, String name) throws IOException {
        TrainingCheckpoints checkpoints = new TrainingCheckpoints(runDir);
        long s = step.isPresent() ? step.getAsLong() : checkpoints.latestStep().orElseThrow(() ->
                new NoSuchFileException(runDir.toString(), null, "no checkpoint in the run folder yet"));
        Path configFile = runDir.resolve(RUN_CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new NoSuchFileException(configFile.toString(), null, "the run folder has no vocoder config");
        }
        VocoderConfig config = VocoderConfig.fromJson(new JsonObject(Files.readString(configFile)));
        Checkpoint.Loaded loaded = checkpoints.load(s);
        boolean hasEma = loaded.tensors().keySet().stream().anyMatch(k -> k.startsWith("ema."));
        String prefix = hasEma ? "ema." : "model.";
        Map<String, TensorData> weights = new LinkedHashMap<>();
        loaded.tensors().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                weights.put(k.substring(prefix.length()), v);
            }
        });
        JsonObject state = loaded.config();
        Files.createDirectories(outDir);
        Checkpoint.saveTensors(outDir, name, weights, config.toJson(), Map.of(
                "tessera.step", Long.toString(s),
                "tessera.weights", hasEma ? "ema" : "live",
                "tessera.trainSeconds", String.format(Locale.ROOT, "%.0f", state.getDouble("trainSeconds", 0.0)),
                "tessera.run", runDir.toString()));
        Path file = Checkpoint.tensorsFile(outDir, name);
        long bytes = Files.size(file);
        if (bytes > MAX_BYTES) {
            throw new IOException(file + " is " + bytes + " bytes, over the " + MAX_BYTES + "-byte limit for shipped models");
        }
        return file;
    }

    public static void main(String[] args) throws IOException {
        Path run = Path.of("runs/vocoder");
        Path out = Path.of("models/vocoder");
        String name = DEFAULT_NAME;
        OptionalLong step = OptionalLong.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--run" -> run = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                case "--step" -> step = OptionalLong.of(Long.parseLong(args[++i]));
                default -> {
                    System.err.println("usage: VocoderExport [--run runs/vocoder] [--out models/vocoder] [--name "
                            + DEFAULT_NAME + "] [--step N]; unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        Path file = export(run, step, out, name);
        System.out.printf(Locale.ROOT, "exported %s (%d bytes)%n", file, Files.size(file));
    }
}
