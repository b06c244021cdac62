package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;

/**
 * A 2-D convolution with square kernel, "same" padding for odd kernels and optional bias. Initialized
 * as PyTorch's {@code Conv2d}: weight and bias uniform in {@code +-1/sqrt(fan_in)}.
 */
public final class Conv extends FixedShapeBlock {

    private final int kernel;
    private final int stride;
    private final Parameter weight;
    private final Parameter bias;

    public Conv(int in, int out, int kernel, int stride, boolean bias) {
        if (in <= 0 || out <= 0 || kernel <= 0 || kernel % 2 == 0 || stride <= 0) {
            throw new IllegalArgumentException("conv needs positive channels, an odd kernel and a positive stride, got "
                    + in + "->" + out + " k" + kernel + " s" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
        float bound = (float) (1 / Math.sqrt((double) in * kernel * kernel));
        this.weight = parameter("weight", Parameter.Type.WEIGHT, new UniformInitializer(bound), out, in, kernel, kernel);
        this.bias = bias ? parameter("bias", Parameter.Type.BIAS, new UniformInitializer(bound), out) : null;
    }

    /** {@code (B, in, H, W) -> (B, out, H / stride, W / stride)} (H, W divisible by the stride). */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        int pad = kernel / 2;
        return Conv2d.conv2d(x, value(ps, weight, x, training), b, new Shape(stride, stride),
                new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
    }
}
