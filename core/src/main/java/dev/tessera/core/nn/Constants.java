package dev.tessera.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constant tensors (windows, filter banks, kernels, masks) whose memory libtorch owns.
 *
 * <p>DJL 0.36's {@code NDManager.create(float[])} hands libtorch a Java direct buffer without a copy
 * ({@code from_blob}); the buffer lives only while the Java array is open. An autograd graph that saved such
 * a constant (a window in {@code stft}, a filter bank in a {@code matMul}, a mask in a product) reads freed
 * memory in its backward pass once the array was closed and a garbage collection ran: the vocoder's mel loss
 * gave {@code -Infinity} gradients that way. A copy made by libtorch is reference-counted by the graph
 * itself, so it may be closed as soon as the forward pass is done with it. See also {@link Scalars}.
 */
public final class Constants {

    private Constants() {
    }

    /** A libtorch-owned copy of {@code data} with the given shape, attached to {@code manager}. */
    public static NDArray copyOf(NDManager manager, float[] data, Shape shape) {
        try (NDArray blob = manager.create(data, shape)) {
            return blob.duplicate();
        }
    }

    /** A libtorch-owned 1-D copy of {@code data}. */
    public static NDArray copyOf(NDManager manager, float[] data) {
        return copyOf(manager, data, new Shape(data.length));
    }
}
