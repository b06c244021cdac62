package dev.tessera.image.lfq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.image.nn.BlockCheckpoints;
import dev.tessera.image.nn.Conv;
import dev.tessera.image.nn.Dense;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.nn.GroupNorm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The LFQ image tokenizer (specs/image.md 1.3): images {@code (B, 3, 32, 32)} in [-1, 1] to an 8x8 grid
 * of K-bit tokens and back. The whole forward pass is in this file:
 *
 * <pre>
 * encoder  conv3x3 3->64 | level 0: 2 ResBlocks, strided conv -> 16x16 | level 1: 2 ResBlocks 64->128,
 *          strided conv -> 8x8 | level 2: 2 ResBlocks | mid: 2 ResBlocks | GroupNorm, SiLU, conv1x1 128->K
 *          [| GroupNorm without affine, if preQuantNorm]
 * quantize sign per channel (LookupFreeQuantizer), straight-through
 * decoder  conv3x3 K->128 | mid: 2 ResBlocks | per level, coarse to fine: adaptive GroupNorm, 2 ResBlocks,
 *          depth-to-space x2 (conv3x3 C->4C, pixel shuffle) after levels 2 and 1 | GroupNorm, SiLU,
 *          conv3x3 64->3
 * </pre>
 *
 * <p>No transposed convolution (DJL's PyTorch engine lacks it): upsampling is a convolution to four times
 * the channels followed by a depth-to-space reshape.
 */
public final class LfqTokenizer extends FixedShapeBlock {

    static final float NORM_EPS = 1e-6f;

    private final LfqTokenizerConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final LookupFreeQuantizer quantizer;

    public LfqTokenizer(LfqTokenizerConfig config) {
        this.config = config;
        this.encoder = child("encoder", new Encoder(config));
        this.decoder = child("decoder", new Decoder(config));
        this.quantizer = new LookupFreeQuantizer(config.quantizer());
    }

    public LfqTokenizerConfig config() {
        return config;
    }

    public LookupFreeQuantizer quantizer() {
        return quantizer;
    }

    /**
     * Checkpoint name of a tokenizer in its model folder: {@code <dir>/lfq-tokenizer.safetensors} (+ {@code .json}),
     * what the training main exports and what serving, evaluation and the AR trainer load.
     */
    public static final String CHECKPOINT = "lfq-tokenizer";

    /** Saves the weights and config as checkpoint {@code name} in {@code dir}; see {@link BlockCheckpoints}. */
    public void save(Path dir, String name, Map<String, String> metadata) throws IOException {
        BlockCheckpoints.save(dir, name, this, config.toJson(), metadata);
    }

    /** A tokenizer built from checkpoint {@code name}'s config, its weights in {@code manager} (the caller's). */
    public static LfqTokenizer load(Path dir, String name, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(dir, name);
        LfqTokenizer t = new LfqTokenizer(LfqTokenizerConfig.fromJson(loaded.config()));
        t.initialize(manager);
        BlockCheckpoints.load(t, loaded.tensors());
        return t;
    }

    /**
     * Reconstruction and quantization of one batch.
     *
     * @param reconstruction {@code (B, 3, S, S)}, unbounded (the training loss compares it to [-1, 1])
     * @param quantized codes, indices and the quantizer's loss terms
     */
    public record Output(NDArray reconstruction, LookupFreeQuantizer.Quantized quantized) {
    }

    /** Encodes, quantizes (with loss terms when {@code withLosses}) and decodes {@code (B, 3, S, S)} images. */
    public Output forward(ParameterStore ps, NDArray images, boolean training, boolean withLosses) {
        LookupFreeQuantizer.Quantized q = quantizer.quantize(encode(ps, images, training), withLosses);
        return new Output(decode(ps, q.codes(), training), q);
    }

    /** {@code (B, 3, S, S) -> (B, K, S/4, S/4)}: the latents before the sign. */
    public NDArray encode(ParameterStore ps, NDArray images, boolean training) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != config.imageSize() || s.get(3) != config.imageSize()) {
            throw new IllegalArgumentException("the tokenizer expects images of shape (B, 3, " + config.imageSize() + ", "
                    + config.imageSize() + "), got " + s);
        }
        return encoder.forward(ps, images, training);
    }

    /** {@code (B, K, g, g)} codes (straight-through or exact +-1) {@code -> (B, 3, S, S)}. */
    public NDArray decode(ParameterStore ps, NDArray codes, boolean training) {
        return decoder.forward(ps, codes, training);
    }

    /** Token indices of images in raster order: {@code (B, 3, S, S) -> (B, g^2)} int64. */
    public NDArray tokenize(ParameterStore ps, NDArray images) {
        NDArray indices = quantizer.quantize(encode(ps, images, false), false).indices(); // (B, g, g)
        return indices.reshape(indices.getShape().get(0), config.tokens());
    }

    /** Images of raster-order token indices: {@code (B, g^2)} int64 in {@code [0, 2^K)} {@code -> (B, 3, S, S)}. */
    public NDArray detokenize(ParameterStore ps, NDArray tokens) {
        Shape s = tokens.getShape();
        if (s.dimension() != 2 || s.get(1) != config.tokens()) {
            throw new IllegalArgumentException("expected tokens of shape (B, " + config.tokens() + "), got " + s);
        }
        long max = tokens.max().getLong();
        long min = tokens.min().getLong();
        if (min < 0 || max >= 1L << config.bits()) {
            throw new IllegalArgumentException("token indices must be in [0, " + (1L << config.bits()) + "), got ["
                    + min + ", " + max + "]");
        }
        int g = config.gridSize();
        return decode(ps, quantizer.gridCodes(tokens.reshape(s.get(0), g, g)), false);
    }

    /** DJL entry point: {@code [images]} to {@code [reconstruction, codes, indices, loss terms...]} (losses when training). */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output out = forward(ps, inputs.head(), training, training);
        NDList result = new NDList(out.reconstruction(), out.quantized().codes(), out.quantized().indices());
        out.quantized().terms().forEach((name, value) -> {
            value.setName(name);
            result.add(value);
        });
        return result;
    }

    /** GroupNorm, SiLU, conv3x3 (no bias), twice, plus a 1x1 shortcut when the width changes. */
    static final class ResBlock extends FixedShapeBlock {

        private final GroupNorm norm1;
        private final Conv conv1;
        private final GroupNorm norm2;
        private final Conv conv2;
        private final Conv shortcut;

        ResBlock(int in, int out, int groups) {
            this.norm1 = child("norm1", new GroupNorm(groups, in, true, NORM_EPS));
            this.conv1 = child("conv1", new Conv(in, out, 3, 1, false));
            this.norm2 = child("norm2", new GroupNorm(groups, out, true, NORM_EPS));
            this.conv2 = child("conv2", new Conv(out, out, 3, 1, false));
            this.shortcut = in == out ? null : child("shortcut", new Conv(in, out, 1, 1, false));
        }

        /** {@code (B, in, H, W) -> (B, out, H, W)}. */
        NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray h = conv1.forward(ps, silu(norm1.forward(ps, x, training)), training);
            h = conv2.forward(ps, silu(norm2.forward(ps, h, training)), training);
            return h.add(shortcut == null ? x : shortcut.forward(ps, x, training));
        }
    }

    static final class Encoder extends FixedShapeBlock {

        private final Conv convIn;
        private final List<List<ResBlock>> levels = new ArrayList<>();
        private final List<Conv> downs = new ArrayList<>();
        private final List<ResBlock> mid = new ArrayList<>();
        private final GroupNorm normOut;
        private final Conv convOut;
        private final GroupNorm preQuantNorm;

        Encoder(LfqTokenizerConfig c) {
            this.convIn = child("convIn", new Conv(3, c.width(0), 3, 1, false));
            int in = c.width(0);
            for (int l = 0; l < c.levels(); l++) {
                int out = c.width(l);
                List<ResBlock> blocks = new ArrayList<>();
                for (int b = 0; b < c.resBlocks(); b++) {
                    blocks.add(child("level" + l + "res" + b, new ResBlock(in, out, c.groups())));
                    in = out;
                }
                levels.add(blocks);
                if (l < c.levels() - 1) {
                    downs.add(child("level" + l + "down", new Conv(out, out, 3, 2, true)));
                }
            }
            for (int b = 0; b < c.resBlocks(); b++) {
                mid.add(child("mid" + b, new ResBlock(in, in, c.groups())));
            }
            this.normOut = child("normOut", new GroupNorm(c.groups(), in, true, NORM_EPS));
            this.convOut = child("convOut", new Conv(in, c.bits(), 1, 1, true));
            this.preQuantNorm = c.preQuantNorm()
                    ? child("preQuantNorm", new GroupNorm(c.preQuantNormGroups(), c.bits(), false, NORM_EPS))
                    : null;
        }

        /** {@code (B, 3, S, S) -> (B, K, S / 2^(levels-1), same)}. */
        NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray h = convIn.forward(ps, x, training);
            for (int l = 0; l < levels.size(); l++) {
                for (ResBlock b : levels.get(l)) {
                    h = b.forward(ps, h, training);
                }
                if (l < downs.size()) {
                    h = downs.get(l).forward(ps, h, training); // halves H and W
                }
            }
            for (ResBlock b : mid) {
                h = b.forward(ps, h, training);
            }
            NDArray z = convOut.forward(ps, silu(normOut.forward(ps, h, training)), training);
            return preQuantNorm == null ? z : preQuantNorm.forward(ps, z, training);
        }
    }

    /**
     * GroupNorm without affine, then a per-channel scale and shift predicted from the codes:
     * {@code x * Dense(std_hw(q)) + Dense(mean_hw(q))}, std the population standard deviation over the grid.
     */
    static final class AdaptiveGroupNorm extends FixedShapeBlock {

        private final GroupNorm norm;
        private final Dense gamma;
        private final Dense beta;
        private final int channels;

        AdaptiveGroupNorm(int bits, int channels, int groups) {
            this.norm = child("norm", new GroupNorm(groups, channels, false, NORM_EPS));
            this.gamma = child("gamma", Dense.uniform(bits, channels, true));
            this.beta = child("beta", Dense.uniform(bits, channels, true));
            this.channels = channels;
        }

        /** {@code x (B, C, H, W)}, {@code codes (B, K, g, g) -> (B, C, H, W)}. */
        NDArray forward(ParameterStore ps, NDArray x, NDArray codes, boolean training) {
            long b = codes.getShape().get(0);
            NDArray flat = codes.reshape(b, codes.getShape().get(1), -1);       // (B, K, g*g)
            NDArray mean = flat.mean(new int[] {2});                             // (B, K)
            NDArray std = flat.sub(mean.expandDims(2)).square().mean(new int[] {2}).add(NORM_EPS).sqrt();
            NDArray scale = gamma.forward(ps, std, training).reshape(b, channels, 1, 1);
            NDArray shift = beta.forward(ps, mean, training).reshape(b, channels, 1, 1);
            return norm.forward(ps, x, training).mul(scale).add(shift);
        }
    }

    static final class Decoder extends FixedShapeBlock {

        private final Conv convIn;
        private final List<ResBlock> mid = new ArrayList<>();
        private final List<AdaptiveGroupNorm> adaptive = new ArrayList<>(); // coarse to fine
        private final List<List<ResBlock>> levels = new ArrayList<>();      // coarse to fine
        private final List<Conv> ups = new ArrayList<>();                   // after every level but the finest
        private final GroupNorm normOut;
        private final Conv convOut;

        Decoder(LfqTokenizerConfig c) {
            int in = c.width(c.levels() - 1);
            this.convIn = child("convIn", new Conv(c.bits(), in, 3, 1, true));
            for (int b = 0; b < c.resBlocks(); b++) {
                mid.add(child("mid" + b, new ResBlock(in, in, c.groups())));
            }
            for (int l = c.levels() - 1; l >= 0; l--) {
                if (c.adaptiveNorm()) {
                    adaptive.add(child("level" + l + "adaptiveNorm", new AdaptiveGroupNorm(c.bits(), in, c.groups())));
                }
                int out = c.width(l);
                List<ResBlock> blocks = new ArrayList<>();
                for (int b = 0; b < c.resBlocks(); b++) {
                    blocks.add(child("level" + l + "res" + b, new ResBlock(in, out, c.groups())));
                    in = out;
                }
                levels.add(blocks);
                if (l > 0) {
                    ups.add(child("level" + l + "up", new Conv(out, 4 * out, 3, 1, true)));
                }
            }
            this.normOut = child("normOut", new GroupNorm(c.groups(), in, true, NORM_EPS));
            this.convOut = child("convOut", new Conv(in, 3, 3, 1, true));
        }

        /** {@code (B, K, g, g) -> (B, 3, g 2^(levels-1), same)}. */
        NDArray forward(ParameterStore ps, NDArray codes, boolean training) {
            NDArray h = convIn.forward(ps, codes, training);
            for (ResBlock b : mid) {
                h = b.forward(ps, h, training);
            }
            for (int i = 0; i < levels.size(); i++) {
                if (!adaptive.isEmpty()) {
                    h = adaptive.get(i).forward(ps, h, codes, training);
                }
                for (ResBlock b : levels.get(i)) {
                    h = b.forward(ps, h, training);
                }
                if (i < ups.size()) {
                    h = depthToSpace(ups.get(i).forward(ps, h, training)); // (B, 4C, H, W) -> (B, C, 2H, 2W)
                }
            }
            return convOut.forward(ps, silu(normOut.forward(ps, h, training)), training);
        }
    }

    /**
     * Depth-to-space by 2 in "DCR" order (as the reference's {@code depth_to_space}): input channel
     * {@code (i * 2 + j) * C + c} becomes output channel c at pixel {@code (2y + i, 2x + j)}.
     *
     * @param x {@code (B, 4C, H, W)}
     * @return {@code (B, C, 2H, 2W)}
     */
    static NDArray depthToSpace(NDArray x) {
        long[] s = x.getShape().getShape();
        long c = s[1] / 4;
        return x.reshape(s[0], 2, 2, c, s[2], s[3])  // (B, i, j, C, H, W)
                .transpose(0, 3, 4, 1, 5, 2)         // (B, C, H, i, W, j)
                .reshape(s[0], c, 2 * s[2], 2 * s[3]);
    }
}
