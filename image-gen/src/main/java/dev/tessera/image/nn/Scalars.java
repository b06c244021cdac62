package dev.tessera.image.nn;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication by a constant that is safe inside an autograd graph.
 *
 * <p>DJL 0.36's {@code PtNDArray.mul(Number)} (and {@code div}, {@code pow}) wraps the number in a
 * temporary array whose data is a Java direct buffer handed to libtorch without a copy ({@code from_blob}),
 * and closes that array when the call returns. The product's backward node still holds the scalar; once a
 * garbage collection frees the buffer, the backward pass reads freed memory: {@code x.mul(3f)} with a GC
 * before {@code backward} gave {@code dy/dx = 1.4e-45} instead of 3, and the LFQ tokenizer's encoder
 * gradients became inf or NaN in most runs that collected garbage mid-step. Here the scalar array belongs
 * to the manager of {@code x} (the step's manager in training), so it lives until the step is over.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x * value}, with the scalar kept alive by {@code x}'s manager. */
    public static NDArray times(NDArray x, double value) {
        return x.mul(x.getManager().create((float) value));
    }
}
