package dev.tessera.image.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.core.nn.Scalars;

/**
 * Multi-head causal self-attention without biases: one {@code (3w, w)} projection to queries, keys and
 * values, scaled dot products masked so that position t sees positions {@code <= t}, and an output
 * projection {@code (w, w)}; 4 w^2 parameters.
 */
public final class CausalSelfAttention extends FixedShapeBlock {

    private final int width;
    private final int heads;
    private final Dense qkv;
    private final Dense out;

    public CausalSelfAttention(int width, int heads, float initStd) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("attention width " + width + " is not divisible by " + heads + " heads");
        }
        this.width = width;
        this.heads = heads;
        this.qkv = child("qkv", Dense.normal(width, 3 * width, false, initStd));
        this.out = child("out", Dense.normal(width, width, false, initStd));
    }

    /** {@code (B, T, w) -> (B, T, w)}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long d = width / heads;
        NDArray proj = qkv.forward(ps, x, training)                   // (B, T, 3w)
                .reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4); // (3, B, heads, T, d)
        NDArray q = proj.get(0);
        NDArray k = proj.get(1);
        NDArray v = proj.get(2);
        NDArray scores = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(d)) // (B, heads, T, T)
                .add(causalMask(x.getManager(), t));
        NDArray y = scores.softmax(-1).matMul(v)            // (B, heads, T, d)
                .transpose(0, 2, 1, 3).reshape(b, t, width); // (B, T, w)
        return out.forward(ps, y, training);
    }

    /** {@code (T, T)}: 0 where key <= query, -inf above the diagonal. */
    static NDArray causalMask(NDManager manager, long t) {
        int n = Math.toIntExact(t);
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                mask[i * n + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(t, t));
    }
}
