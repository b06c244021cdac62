package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Group normalization over {@code (B, C, H, W)}: each of {@code groups} channel groups is normalized to
 * zero mean and unit variance over its channels and pixels (population variance, {@code eps} inside the
 * square root), then scaled and shifted per channel unless {@code affine} is off.
 */
public final class GroupNorm extends FixedShapeBlock {

    private final int groups;
    private final int channels;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNorm(int groups, int channels, boolean affine, float eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm needs the group count to divide the channels, got "
                    + groups + " groups for " + channels + " channels");
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.gamma = affine ? parameter("gamma", Parameter.Type.GAMMA, Initializer.ONES, channels) : null;
        this.beta = affine ? parameter("beta", Parameter.Type.BETA, Initializer.ZEROS, channels) : null;
    }

    /** {@code (B, C, H, W) -> (B, C, H, W)}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels) {
            throw new IllegalArgumentException("GroupNorm(" + channels + ") expects (B, " + channels + ", H, W), got " + s);
        }
        long b = s.get(0);
        long per = channels / groups * s.get(2) * s.get(3);
        // The fused layer-norm kernel over each group's flattened values; its affine is the identity.
        NDArray ones = x.getManager().ones(new Shape(per));
        NDArray zeros = x.getManager().zeros(new Shape(per));
        NDArray g = x.reshape(b, groups, per);
        NDArray y = g.getNDArrayInternal().layerNorm(g, new Shape(per), ones, zeros, eps).singletonOrThrow().reshape(s);
        if (gamma == null) {
            return y;
        }
        return y.mul(value(ps, gamma, x, training).reshape(1, channels, 1, 1))
                .add(value(ps, beta, x, training).reshape(1, channels, 1, 1));
    }
}
