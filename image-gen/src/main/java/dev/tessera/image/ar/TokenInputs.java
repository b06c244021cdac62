package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Boundary checks of the AR models' inputs, before any layer runs. */
final class TokenInputs {

    private TokenInputs() {
    }

    /** Tokens {@code (B, T)} int64 in {@code [0, 2^bits)}, classes {@code (B)} int64 in {@code [0, numClasses]}. */
    static void check(NDArray tokens, NDArray classes, int bits, ArTrunkConfig c) {
        Shape t = tokens.getShape();
        if (t.dimension() != 2 || t.get(1) != c.tokens() || tokens.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("expected int64 tokens of shape (B, " + c.tokens() + "), got "
                    + tokens.getDataType() + " " + t);
        }
        if (classes.getShape().dimension() != 1 || classes.getShape().get(0) != t.get(0)
                || classes.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("expected int64 classes of shape (" + t.get(0) + "), got "
                    + classes.getDataType() + " " + classes.getShape());
        }
        long tMin = tokens.min().getLong();
        long tMax = tokens.max().getLong();
        if (tMin < 0 || tMax >= 1L << bits) {
            throw new IllegalArgumentException("token indices must be in [0, " + (1L << bits) + "), got [" + tMin + ", "
                    + tMax + "]");
        }
        long cMin = classes.min().getLong();
        long cMax = classes.max().getLong();
        if (cMin < 0 || cMax > c.numClasses()) {
            throw new IllegalArgumentException("classes must be in [0, " + c.numClasses() + "] (" + c.numClasses()
                    + " = unconditional), got [" + cMin + ", " + cMax + "]");
        }
    }

    /** {@code -log softmax(logits)[target]}: logits {@code (..., V)}, target {@code (...)} int64 -> {@code (...)}. */
    static NDArray crossEntropy(NDArray logits, NDArray target) {
        int last = logits.getShape().dimension() - 1;
        return logits.logSoftmax(last).gather(target.expandDims(last), last).squeeze(last).neg();
    }
}
