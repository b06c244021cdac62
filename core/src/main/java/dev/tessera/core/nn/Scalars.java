package dev.tessera.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number that is safe inside an autograd graph.
 *
 * <p>DJL 0.36's {@code PtNDArray.mul(Number)} (also {@code div}, {@code pow}, {@code maximum} and
 * {@code minimum} with a number) wraps the number in a temporary array whose data is a Java direct buffer
 * handed to libtorch without a copy ({@code from_blob}), and closes that array when the call returns. The
 * result's backward node still holds the scalar; once a garbage collection frees the buffer, the backward
 * pass reads freed memory: {@code x.mul(3f)} with a GC before {@code backward} gave {@code dy/dx = 1.4e-45}
 * instead of 3. The LFQ tokenizer's encoder gradients became NaN, and the first vocoder's loss was divided
 * by whatever reused the memory of its sample count. Here the scalar is a libtorch-owned copy
 * ({@link Constants}), which the graph keeps alive by reference counting, whatever manager it belongs to and
 * whenever that manager closes.
 *
 * <p>Adding or subtracting a number is safe (the backward pass never reads the scalar), and so is any of
 * these on arrays that need no gradient (data, masks, inference).
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x * value}. */
    public static NDArray times(NDArray x, double value) {
        return x.mul(scalar(x, value));
    }

    /** {@code x / value}. */
    public static NDArray over(NDArray x, double value) {
        return x.div(scalar(x, value));
    }

    /** {@code max(x, floor)} elementwise. */
    public static NDArray atLeast(NDArray x, double floor) {
        return x.maximum(scalar(x, floor));
    }

    /** A 0-d libtorch-owned float in the manager of {@code x}. */
    private static NDArray scalar(NDArray x, double value) {
        return Constants.copyOf(x.getManager(), new float[] {(float) value}, new Shape());
    }
}
