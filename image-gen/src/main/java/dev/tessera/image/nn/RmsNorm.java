package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/** RMS normalization over the last axis: {@code x / sqrt(mean(x^2) + eps) * weight}. */
public final class RmsNorm extends FixedShapeBlock {

    private final float eps;
    private final Parameter weight;

    public RmsNorm(int dim, float eps) {
        this.eps = eps;
        this.weight = parameter("weight", Parameter.Type.GAMMA, Initializer.ONES, dim);
    }

    /** {@code (..., dim) -> (..., dim)}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        int last = x.getShape().dimension() - 1;
        NDArray rms = x.square().mean(new int[] {last}, true).add(eps).sqrt();
        return x.div(rms).mul(value(ps, weight, x, training));
    }
}
