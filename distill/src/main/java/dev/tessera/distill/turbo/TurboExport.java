package dev.tessera.distill.turbo;

import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.audio.vocoder.VocoderExport;
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
 * A Turbo run's checkpoint as a served student: {@code <models>/vocoder-turbo/steps-N/periodwave-turbo.safetensors}
 * (+ {@code .json}), the student's weights under their plain names with its {@link VocoderConfig} embedded, so
 * {@code PeriodWave.load} and {@code MelVocoder.load} read it like the teacher. Files only, no engine.
 */
public final class TurboExport {

    /** The model name of the vocoder students on the bus, the CLI and {@code models/}. */
    public static final String MODEL = "vocoder-turbo";
    /** The checkpoint name inside each {@code steps-N} folder. */
    public static final String NAME = "periodwave-turbo";

    private TurboExport() {
    }

    /** {@code <modelsRoot>/steps-N}: where the N-step student lives. */
    public static Path studentDir(Path modelsRoot, int steps) {
        return modelsRoot.resolve("steps-" + steps);
    }

    /**
     * Exports step {@code step} (or the newest) of {@code runDir} to {@code studentDir(outRoot, N)}.
     *
     * @return the tensors file written
     */
    public static Path export(Path runDir, OptionalLong step, Path outRoot) throws IOException {
        TrainingCheckpoints checkpoints = new TrainingCheckpoints(runDir);
        long s = step.isPresent() ? step.getAsLong() : checkpoints.latestStep().orElseThrow(() ->
                new NoSuchFileException(runDir.toString(), null, "no Turbo checkpoint in the run folder yet"));
        Checkpoint.Loaded loaded = checkpoints.load(s);
        JsonObject state = loaded.config();
        VocoderConfig vocoder = VocoderConfig.fromJson(state.getJsonObject("vocoder"));
        TurboConfig turbo = TurboConfig.fromJson(state.getJsonObject("turbo"));
        Map<String, TensorData> weights = new LinkedHashMap<>();
        loaded.tensors().forEach((k, v) -> {
            if (k.startsWith("g.") && !k.startsWith("g.adamw.")) {
                weights.put(k.substring(2), v);
            }
        });
        Path dir = studentDir(outRoot, turbo.steps());
        Files.createDirectories(dir);
        Checkpoint.saveTensors(dir, NAME, weights, vocoder.toJson(), Map.of(
                "tessera.step", Long.toString(s),
                "tessera.turboSteps", Integer.toString(turbo.steps()),
                "tessera.turbo", turbo.toJson().encode(),
                "tessera.trainSeconds", String.format(Locale.ROOT, "%.0f", state.getDouble("trainSeconds", 0.0)),
                "tessera.run", runDir.toString()));
        Path file = Checkpoint.tensorsFile(dir, NAME);
        long bytes = Files.size(file);
        if (bytes > VocoderExport.MAX_BYTES) {
            throw new IOException(file + " is " + bytes + " bytes, over the " + VocoderExport.MAX_BYTES
                    + "-byte limit for shipped models; export a narrower student (--student-channels)");
        }
        return file;
    }

    /** The Euler steps of the student in {@code dir} (its checkpoint's metadata), or -1 when it has none. */
    public static int stepsOf(Path dir) throws IOException {
        if (!Checkpoint.exists(dir, NAME)) {
            return -1;
        }
        String v = Checkpoint.load(dir, NAME).metadata().get("tessera.turboSteps");
        return v == null ? -1 : Integer.parseInt(v);
    }
}
