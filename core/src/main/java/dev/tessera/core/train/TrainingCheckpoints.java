package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import dev.tessera.core.checkpoint.Checkpoint;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one training run, in its run folder:
 * <pre>
 *   step-000100.safetensors   tensors under prefixed keys (model., ema., adamw.m., adamw.v.), the
 *                             training state embedded as the checkpoint config
 *   step-000100.json          the same training state, pretty-printed, for people
 * </pre>
 * Each pair is written with {@link Checkpoint#save} (tensors first, atomically), so any
 * {@code .safetensors} present is complete; the newest is the one with the highest step, found by
 * listing, so there is no pointer file to get out of step. Only the newest {@code keep} are kept.
 */
public final class TrainingCheckpoints {

    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.safetensors");

    private final Path runDir;

    public TrainingCheckpoints(Path runDir) {
        this.runDir = runDir;
    }

    public Path runDir() {
        return runDir;
    }

    /** The checkpoint name for a step, e.g. {@code step-000100}. */
    public static String name(long step) {
        return String.format(Locale.ROOT, "step-%06d", step);
    }

    public Path tensorsFile(long step) {
        return Checkpoint.tensorsFile(runDir, name(step));
    }

    /**
     * Writes the checkpoint of {@code step} and deletes all but the newest {@code keep}.
     *
     * @param tensors arrays by prefixed key; read during the call, not kept
     * @param state the training state (step, config, optimizer count, time)
     * @return the tensors file written
     */
    public Path save(long step, Map<String, NDArray> tensors, JsonObject state, int keep) throws IOException {
        Files.createDirectories(runDir);
        Checkpoint.save(runDir, name(step), tensors, state, Map.of("tessera.kind", "training-state",
                "tessera.step", Long.toString(step)));
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            // Tensors first: a .json left behind by a crash here is ignored, a lone .safetensors is not.
            Files.deleteIfExists(Checkpoint.tensorsFile(runDir, name(steps.get(i))));
            Files.deleteIfExists(Checkpoint.configFile(runDir, name(steps.get(i))));
        }
        return tensorsFile(step);
    }

    /** Steps that have a checkpoint, ascending; empty when the folder does not exist. */
    public List<Long> steps() throws IOException {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        List<Long> steps = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            files.forEach(f -> {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f)) {
                    steps.add(Long.parseLong(m.group(1)));
                }
            });
        }
        steps.sort(null);
        return steps;
    }

    public OptionalLong latestStep() throws IOException {
        List<Long> steps = steps();
        return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(steps.size() - 1));
    }

    /** Reads the checkpoint of {@code step}; its config is the training state given to {@link #save}. */
    public Checkpoint.Loaded load(long step) throws IOException {
        return Checkpoint.load(runDir, name(step));
    }
}
