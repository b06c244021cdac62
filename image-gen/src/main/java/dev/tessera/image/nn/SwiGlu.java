package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * The gated feed-forward of LLaMA: {@code w2(silu(w1 x) * w3 x)}, no biases, 3 w h parameters, with
 * dropout on its output.
 */
public final class SwiGlu extends FixedShapeBlock {

    private final Dense w1;
    private final Dense w3;
    private final Dense w2;
    private final float dropout;

    public SwiGlu(int width, int hidden, float dropout, float initStd) {
        this.w1 = child("w1", Dense.normal(width, hidden, false, initStd));
        this.w3 = child("w3", Dense.normal(width, hidden, false, initStd));
        this.w2 = child("w2", Dense.normal(hidden, width, false, initStd));
        this.dropout = dropout;
    }

    /** {@code (..., w) -> (..., w)}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = silu(w1.forward(ps, x, training)).mul(w3.forward(ps, x, training)); // (..., hidden)
        return dropout(w2.forward(ps, h, training), dropout, training);
    }

    /** The LLaMA hidden size: {@code 2/3 x 4 w}, rounded up to a multiple of {@code multiple}. */
    public static int hiddenSize(int width, int multiple) {
        int h = 2 * 4 * width / 3;
        return (h + multiple - 1) / multiple * multiple;
    }
}
