package dev.tessera.audio.discriminator;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import java.util.Arrays;

/**
 * A 1-D or 2-D convolution, optionally weight-normed (Salimans and Kingma): the kernel is
 * w = g·v/‖v‖ with one gain g per output channel and ‖v‖ over everything but the output channel,
 * recomputed at every forward, as {@code torch.nn.utils.weight_norm} does.
 *
 * <p>Initialized as PyTorch's {@code Conv1d}/{@code Conv2d}: v and the bias uniform in ±1/√fan_in; then
 * g = ‖v‖, so the first forward computes exactly w = v.
 *
 * <p>Parameters: {@code v} (out, in/groups, k...) (named {@code weight} without weight norm), {@code g}
 * (out, 1, 1[, 1]) when weight-normed, {@code bias} (out).
 */
public final class NormConv extends FixedShapeBlock {

    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Parameter direction;
    private final Parameter gain;
    private final Parameter bias;

    private NormConv(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
            boolean weightNorm) {
        if (in < 1 || out < 1 || groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("conv needs positive channels divisible by groups, got " + in + "->"
                    + out + " in " + groups + " groups");
        }
        for (int i = 0; i < kernel.length; i++) {
            if (kernel[i] < 1 || stride[i] < 1 || padding[i] < 0 || dilation[i] < 1) {
                throw new IllegalArgumentException("bad conv geometry: kernel " + Arrays.toString(kernel) + " stride "
                        + Arrays.toString(stride) + " padding " + Arrays.toString(padding) + " dilation "
                        + Arrays.toString(dilation));
            }
        }
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        long fanIn = (long) in / groups;
        long[] shape = new long[2 + kernel.length];
        shape[0] = out;
        shape[1] = in / groups;
        long[] gainShape = new long[shape.length];
        Arrays.fill(gainShape, 1);
        gainShape[0] = out;
        for (int i = 0; i < kernel.length; i++) {
            shape[2 + i] = kernel[i];
            fanIn *= kernel[i];
        }
        float bound = (float) (1 / Math.sqrt(fanIn));
        this.direction = parameter(weightNorm ? "v" : "weight", Parameter.Type.WEIGHT, new UniformInitializer(bound),
                shape);
        this.gain = weightNorm
                ? parameter("g", Parameter.Type.GAMMA, (NDManager m, Shape s, DataType t) -> initialGain(m), gainShape)
                : null;
        this.bias = parameter("bias", Parameter.Type.BIAS, new UniformInitializer(bound), out);
    }

    /**
     * A 1-D convolution, (B, in, L) → (B, out, ⌊(L + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1).
     */
    public static NormConv conv1d(int in, int out, int kernel, int stride, int padding, int dilation,
            boolean weightNorm) {
        return new NormConv(in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, 1, weightNorm);
    }

    /**
     * A 2-D convolution over (time, frequency) maps with kernel (kt, kf), stride (st, sf), padding (pt, pf)
     * and dilation (dt, df): (B, in, T, F) → (B, out, T', F') by the same formula per axis as {@link #conv1d}.
     */
    public static NormConv conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation,
            int groups, boolean weightNorm) {
        if (kernel.length != 2 || stride.length != 2 || padding.length != 2 || dilation.length != 2) {
            throw new IllegalArgumentException("a 2-D conv needs two values for kernel, stride, padding and dilation");
        }
        return new NormConv(in, out, kernel, stride, padding, dilation, groups, weightNorm);
    }

    public boolean weightNormed() {
        return gain != null;
    }

    /** g = ‖v‖ per output channel, from v (initialized just before, being registered first). */
    private NDArray initialGain(NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray v = direction.getArray().stopGradient();
            v.attach(scope);
            NDArray g = norm(v);
            g.attach(manager);
            return g;
        }
    }

    /** ‖v‖ over every axis but the first, keeping them: (out, 1, ...). */
    private static NDArray norm(NDArray v) {
        int[] axes = new int[v.getShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return v.square().sum(axes, true).sqrt();
    }

    /**
     * The effective kernel: g·v/‖v‖, or the plain weight. DJL gives an op's result the manager of its first
     * operand; here that would be the parameters' manager, which lives as long as the model, so every forward
     * would leave its five intermediates there (about 18 MB per PeriodWave-Turbo step with the tiny
     * discriminators, until the machine ran out of memory). They are made from an alias of v owned by the
     * input's manager instead (a same-shape reshape: a view that stays in the autograd graph, unlike DJL's
     * detached {@code duplicate()}), and go with the step.
     */
    public NDArray kernel(ParameterStore ps, NDArray like, boolean training) {
        NDArray v = value(ps, direction, like, training);
        if (gain == null) {
            return v;
        }
        NDArray local = v.reshape(v.getShape());
        local.attach(like.getManager());
        NDArray g = value(ps, gain, like, training);
        return local.mul(g).div(norm(local));
    }

    /** (B, in, L) → (B, out, L') for a 1-D conv, (B, in, T, F) → (B, out, T', F') for a 2-D conv. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = kernel(ps, x, training);
        NDArray b = value(ps, bias, x, training);
        if (kernel.length == 1) {
            return Conv1d.conv1d(x, w, b, new Shape(stride[0]), new Shape(padding[0]), new Shape(dilation[0]), groups)
                    .singletonOrThrow();
        }
        return Conv2d.conv2d(x, w, b, new Shape(stride[0], stride[1]), new Shape(padding[0], padding[1]),
                new Shape(dilation[0], dilation[1]), groups).singletonOrThrow();
    }
}
