package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;

/** A fully connected layer {@code y = x W^T + b} over the last axis; W is {@code (out, in)}. */
public final class Dense extends FixedShapeBlock {

    private final int in;
    private final Parameter weight;
    private final Parameter bias;

    private Dense(int in, int out, boolean bias, Initializer weightInit, Initializer biasInit) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("a dense layer needs positive sizes, got " + in + "->" + out);
        }
        this.in = in;
        this.weight = parameter("weight", Parameter.Type.WEIGHT, weightInit, out, in);
        this.bias = bias ? parameter("bias", Parameter.Type.BIAS, biasInit, out) : null;
    }

    /** Initialized as PyTorch's {@code nn.Linear}: weight and bias uniform in {@code +-1/sqrt(in)}. */
    public static Dense uniform(int in, int out, boolean bias) {
        UniformInitializer init = new UniformInitializer((float) (1 / Math.sqrt(in)));
        return new Dense(in, out, bias, init, init);
    }

    /** Weight normal with standard deviation {@code std}, bias zero (GPT-style initialization). */
    public static Dense normal(int in, int out, boolean bias, float std) {
        return new Dense(in, out, bias, new NormalInitializer(std), Initializer.ZEROS);
    }

    /** All zeros: an output head whose initial logits are uniform. */
    public static Dense zeros(int in, int out, boolean bias) {
        return new Dense(in, out, bias, Initializer.ZEROS, Initializer.ZEROS);
    }

    /** {@code (..., in) -> (..., out)}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        if (x.getShape().get(x.getShape().dimension() - 1) != in) {
            throw new IllegalArgumentException("dense layer expects last axis " + in + ", got " + x.getShape());
        }
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        return Linear.linear(x, value(ps, weight, x, training), b).singletonOrThrow();
    }
}
