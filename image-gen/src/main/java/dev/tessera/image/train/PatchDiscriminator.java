package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import dev.tessera.core.nn.FixedShapeBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer's PatchGAN discriminator (pix2pix's NLayerDiscriminator with 3 layers, as the reference;
 * specs/image.md 1.4), the whole forward pass:
 *
 * <pre>
 * x (B, 3, 32, 32) in [-1, 1]
 * conv4x4 s2 3->ndf (bias), LeakyReLU 0.2                        (B, ndf, 16, 16)
 * conv4x4 s2 ndf->2ndf, BatchNorm, LeakyReLU 0.2                 (B, 2ndf, 8, 8)
 * conv4x4 s2 2ndf->4ndf, BatchNorm, LeakyReLU 0.2                (B, 4ndf, 4, 4)
 * conv4x4 s1 4ndf->8ndf, BatchNorm, LeakyReLU 0.2                (B, 8ndf, 3, 3)
 * conv4x4 s1 8ndf->1 (bias)                                      (B, 1, 2, 2) logits, one per patch
 * </pre>
 * All convolutions pad by 1. Weights are initialized normal(0, 0.02), BatchNorm gains normal(1, 0.02)
 * (pix2pix's {@code weights_init}). D only ever runs in training mode, so BatchNorm always normalizes with
 * the batch's statistics and keeps no running statistics. 2.77M parameters and about 37 MMAC per image at
 * ndf 64.
 */
public final class PatchDiscriminator extends FixedShapeBlock {

    private static final float SLOPE = 0.2f;
    /** Kernel side, pix2pix's. */
    static final int K = 4;
    private static final float BN_EPS = 1e-5f;

    private final List<Parameter> weights = new ArrayList<>();
    private final List<Parameter> biases = new ArrayList<>();  // null where BatchNorm follows
    private final List<Parameter> gammas = new ArrayList<>();  // null where there is no BatchNorm
    private final List<Parameter> betas = new ArrayList<>();
    private final int[] strides = {2, 2, 2, 1, 1};

    public PatchDiscriminator(int ndf) {
        int[] channels = {3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 1};
        for (int i = 0; i < 5; i++) {
            boolean norm = i >= 1 && i <= 3;
            weights.add(parameter("conv" + i + "_weight", Parameter.Type.WEIGHT, new NormalInitializer(0.02f),
                    channels[i + 1], channels[i], K, K));
            biases.add(norm ? null : parameter("conv" + i + "_bias", Parameter.Type.BIAS, Initializer.ZEROS, channels[i + 1]));
            gammas.add(norm ? parameter("norm" + i + "_gamma", Parameter.Type.GAMMA, new GainInitializer(), channels[i + 1])
                    : null);
            betas.add(norm ? parameter("norm" + i + "_beta", Parameter.Type.BETA, Initializer.ZEROS, channels[i + 1]) : null);
        }
    }

    /** {@code (B, 3, S, S)} images to patch logits, {@code (B, 1, 2, 2)} at 32 px. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return forward(ps, x, training, false);
    }

    /**
     * @param frozen use detached copies of the weights (owned by {@code x}'s manager): the generator's pass
     *     needs the gradient to {@code x} only, and must not touch D's gradients
     */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training, boolean frozen) {
        NDArray h = x;
        for (int i = 0; i < 5; i++) {
            NDArray w = weight(ps, weights.get(i), x, training, frozen);
            NDArray b = biases.get(i) == null ? null : weight(ps, biases.get(i), x, training, frozen);
            h = Conv2d.conv2d(h, w, b, new Shape(strides[i], strides[i]), new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow();
            if (gammas.get(i) != null) {
                h = batchNorm(h, weight(ps, gammas.get(i), x, training, frozen), weight(ps, betas.get(i), x, training, frozen));
            }
            if (i < 4) {
                h = h.getNDArrayInternal().leakyRelu(SLOPE);
            }
        }
        return h;
    }

    private static NDArray weight(ParameterStore ps, Parameter p, NDArray like, boolean training, boolean frozen) {
        NDArray v = value(ps, p, like, training);
        if (!frozen) {
            return v;
        }
        NDArray detached = v.stopGradient();
        detached.attach(like.getManager());
        return detached;
    }

    /** Normalizes each channel of {@code (B, C, H, W)} over batch and pixels (biased variance), then scales and shifts. */
    static NDArray batchNorm(NDArray x, NDArray gamma, NDArray beta) {
        long[] s = x.getShape().getShape();
        NDArray flat = x.transpose(1, 0, 2, 3).reshape(s[1], -1);                       // (C, B*H*W)
        NDArray mean = flat.mean(new int[] {1}).reshape(1, s[1], 1, 1);
        NDArray centred = x.sub(mean);
        NDArray var = centred.transpose(1, 0, 2, 3).reshape(s[1], -1).square().mean(new int[] {1}).reshape(1, s[1], 1, 1);
        return centred.div(var.add(BN_EPS).sqrt()).mul(gamma.reshape(1, s[1], 1, 1)).add(beta.reshape(1, s[1], 1, 1));
    }

    /** normal(1, 0.02), pix2pix's BatchNorm gain initialization. */
    private static final class GainInitializer implements Initializer {
        @Override
        public NDArray initialize(ai.djl.ndarray.NDManager manager, Shape shape, ai.djl.ndarray.types.DataType dataType) {
            return manager.randomNormal(1f, 0.02f, shape, dataType);
        }
    }
}
