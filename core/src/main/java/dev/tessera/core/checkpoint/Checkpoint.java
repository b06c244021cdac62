package dev.tessera.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model checkpoint: {@code <name>.safetensors} (the tensors) and {@code <name>.json} (the model's
 * config, for people and other tools). The config is also embedded in the safetensors metadata under
 * {@link #CONFIG_KEY}, so the tensors file alone is complete and the pair can never disagree after a
 * crash between the two writes: {@link #load} trusts the embedded copy.
 */
public final class Checkpoint {

    /** Metadata key holding the config JSON inside the safetensors file. */
    public static final String CONFIG_KEY = "tessera.config";
    /** Metadata key holding the format version of our checkpoints. */
    public static final String FORMAT_KEY = "tessera.format";
    public static final String FORMAT_VERSION = "1";

    /** A loaded checkpoint: the tensors, the config, and the remaining metadata. */
    public record Loaded(Map<String, TensorData> tensors, JsonObject config, Map<String, String> metadata) {

        /** All tensors as arrays in {@code manager} (the caller owns and closes the manager). */
        public Map<String, NDArray> toNDArrays(NDManager manager) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> out.put(k, NDArrayTensors.toNDArray(manager, v)));
            return out;
        }
    }

    private Checkpoint() {
    }

    public static Path tensorsFile(Path dir, String name) {
        return dir.resolve(name + ".safetensors");
    }

    public static Path configFile(Path dir, String name) {
        return dir.resolve(name + ".json");
    }

    /** Saves engine arrays; see {@link #saveTensors}. */
    public static void save(Path dir, String name, Map<String, NDArray> arrays, JsonObject config,
                            Map<String, String> metadata) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        arrays.forEach((k, v) -> tensors.put(k, NDArrayTensors.fromNDArray(v)));
        saveTensors(dir, name, tensors, config, metadata);
    }

    /** Writes both files atomically: the tensors (with the config embedded) first, then the config beside it. */
    public static void saveTensors(Path dir, String name, Map<String, TensorData> tensors, JsonObject config,
                                   Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT_VERSION);
        meta.put(CONFIG_KEY, config.encode());
        SafeTensors.write(tensorsFile(dir, name), tensors, meta);
        Path json = configFile(dir, name);
        Path tmp = Files.createTempFile(dir.toAbsolutePath(), "." + name, ".json.tmp");
        try {
            Files.writeString(tmp, config.encodePrettily() + "\n", StandardCharsets.UTF_8);
            SafeTensors.moveAtomically(tmp, json.toAbsolutePath());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static boolean exists(Path dir, String name) {
        return Files.isRegularFile(tensorsFile(dir, name));
    }

    public static Loaded load(Path dir, String name) throws IOException {
        Path file = tensorsFile(dir, name);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint '" + name + "' in " + dir);
        }
        SafeTensorsFile st = SafeTensors.read(file);
        Map<String, String> meta = new LinkedHashMap<>(st.metadata());
        String embedded = meta.remove(CONFIG_KEY);
        meta.remove(FORMAT_KEY);
        JsonObject config;
        try {
            if (embedded != null) {
                config = new JsonObject(embedded);
            } else if (Files.exists(configFile(dir, name))) {
                // A file written by another tool: take the config from beside it.
                config = new JsonObject(Files.readString(configFile(dir, name)));
            } else {
                config = new JsonObject();
            }
        } catch (DecodeException e) {
            throw new CheckpointFormatException("config of checkpoint '" + name + "' is not valid JSON: " + e.getMessage(), e);
        }
        return new Loaded(st.tensors(), config, meta);
    }
}
