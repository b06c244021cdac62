package dev.tessera.image.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.checkpoint.TensorData;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Saves a block's parameters as a {@link Checkpoint} (safetensors + JSON config) under their DJL names
 * ({@code encoder_convIn_weight}), and copies a checkpoint's tensors back into a block of the same
 * architecture. Loading is strict: a missing, unexpected or mis-shaped tensor is an error naming it.
 */
public final class BlockCheckpoints {

    private BlockCheckpoints() {
    }

    /** Writes every parameter of {@code block} (which must be initialized) with its config. */
    public static void save(Path dir, String name, Block block, JsonObject config, Map<String, String> metadata)
            throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            arrays.put(p.getKey(), p.getValue().getArray());
        }
        Checkpoint.save(dir, name, arrays, config, metadata);
    }

    /** Copies {@code tensors} into the parameters of the initialized {@code block}, name by name. */
    public static void load(Block block, Map<String, TensorData> tensors) throws CheckpointFormatException {
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        for (Pair<String, Parameter> p : block.getParameters()) {
            TensorData t = tensors.get(p.getKey());
            if (t == null) {
                throw new CheckpointFormatException("checkpoint has no tensor '" + p.getKey()
                        + "'; was it saved from another architecture or config?");
            }
            NDArray array = p.getValue().getArray();
            if (!Arrays.equals(t.shape(), array.getShape().getShape())) {
                throw new CheckpointFormatException("tensor '" + p.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model expects " + array.getShape() + "; the config does not match the checkpoint");
            }
            array.set(FloatBuffer.wrap(t.toFloats()));
            unexpected.remove(p.getKey());
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointFormatException("checkpoint holds tensors the model does not have: " + unexpected);
        }
    }
}
