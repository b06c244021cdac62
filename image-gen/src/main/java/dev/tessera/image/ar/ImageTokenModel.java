package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A class-conditional autoregressive model of an image's token sequence (raster order), teacher-forced.
 * The factorized model and the flat softmax baseline implement it, so training and evaluation code
 * (bits/token, held-out early stopping) works with either.
 */
public interface ImageTokenModel extends Block {

    /** K: bits per token; token indices lie in {@code [0, 2^K)}. */
    int bits();

    ArTrunkConfig trunkConfig();

    /** The model's config as JSON (saved beside its checkpoints). */
    JsonObject configJson();

    /** Number of scalar parameters. */
    long parameterCount();

    /**
     * Negative log-likelihood of every token given the class and the tokens before it.
     *
     * @param tokens {@code (B, T)} int64 in {@code [0, 2^K)}
     * @param classes {@code (B)} int64 in {@code [0, numClasses]}
     * @return {@code (B, T)} nats
     */
    NDArray tokenNll(ParameterStore ps, NDArray tokens, NDArray classes, boolean training);

    /**
     * The training loss and its terms, scalars in nats per token: always {@code "loss"} (the one to
     * minimize, the mean of {@link #tokenNll}), plus the model's own terms.
     */
    Map<String, NDArray> loss(ParameterStore ps, NDArray tokens, NDArray classes, boolean training);
}
