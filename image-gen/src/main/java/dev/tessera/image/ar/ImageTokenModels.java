package dev.tessera.image.ar;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.image.nn.BlockCheckpoints;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Builds, saves and loads either {@link ImageTokenModel} by the {@code "model"} field of its config. */
public final class ImageTokenModels {

    /**
     * Checkpoint name of an AR model in its model folder: {@code <dir>/image-ar.safetensors} (+ {@code .json}),
     * what the training main exports and what serving loads.
     */
    public static final String CHECKPOINT = "image-ar";
    /**
     * Key of the AR config that names the classes by index (e.g. the emoji categories), written by the
     * training main and read by serving and evaluation.
     */
    public static final String CATEGORIES_KEY = "categories";

    private ImageTokenModels() {
    }

    /** A fresh, uninitialized model: {@code "model": "factorized"} (the default) or {@code "flat"}. */
    public static ImageTokenModel fromConfig(JsonObject config) {
        String kind = config.getString("model", "factorized");
        return switch (kind) {
            case "factorized" -> new FactorizedArTransformer(FactorizedArConfig.fromJson(config));
            case "flat" -> new FlatArTransformer(FlatArConfig.fromJson(config));
            default -> throw new IllegalArgumentException("unknown AR model '" + kind + "'; expected 'factorized' or 'flat'");
        };
    }

    /** Saves weights and config as checkpoint {@code name} in {@code dir}. */
    public static void save(ImageTokenModel model, Path dir, String name, Map<String, String> metadata) throws IOException {
        BlockCheckpoints.save(dir, name, model, model.configJson(), metadata);
    }

    /** The model of checkpoint {@code name}, its weights in {@code manager} (the caller's). */
    public static ImageTokenModel load(Path dir, String name, NDManager manager) throws IOException {
        return load(Checkpoint.load(dir, name), name, manager);
    }

    /**
     * The model of a checkpoint already read, for callers that also read other keys of its config (the
     * sampler's class names and preview fill); {@code name} is for messages.
     */
    public static ImageTokenModel load(Checkpoint.Loaded loaded, String name, NDManager manager)
            throws CheckpointFormatException {
        ImageTokenModel model;
        try {
            model = fromConfig(loaded.config());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException("checkpoint '" + name + "' has an unusable config: " + e.getMessage(), e);
        }
        model.initialize(manager, DataType.FLOAT32);
        BlockCheckpoints.load(model, loaded.tensors());
        return model;
    }
}
