package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.nn.Constants;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.TrainableParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PeriodWave velocity estimator v_theta(x_t, c, t) (audio spec 2.2-2.5), "tiny" CPU build by default.
 *
 * <p>Forward pass, top to bottom:
 * <ol>
 *   <li>{@link #encode}: the mel encoder runs once per utterance. Condition = log-mel plus sigma_E
 *       (81 channels, frame rate) -> Conv k7 -> ConvNeXt blocks (channel LayerNorm, no GRN, so no
 *       utterance-wide statistics) -> sub-pixel x4 to T/64 -> per period p a Conv (kernel 2p, stride p)
 *       to T/(64p), the rate of the U-Net's middle in branch p.</li>
 *   <li>{@link #velocity}, for every period p, with one set of U-Net weights shared by all branches:
 *       fold the waveform into the batch ((B, T) -> (B*p, 1, T/p): column j of the (T/p) x p grid is the
 *       polyphase sequence x[mp + j]); level 0 conv 1->16; three stride-4 convs down to the middle, where
 *       the branch's mel condition is added; three sub-pixel convs back up, adding the skips; unfold.
 *       The time embedding (sin of 1000 t) concatenated with the learned period embedding goes through
 *       an MLP; each stage adds SiLU -> Linear of it as a channel bias.</li>
 *   <li>The branch outputs are summed over periods and divided by sqrt(P); a final block of dilated
 *       residual units at full rate ends in Conv 16->1 (k7): the velocity, (B, T).</li>
 * </ol>
 *
 * <p>Variable-length batches (spec 2.5): activations are multiplied by a 0/1 mask after every layer,
 * position i at rate 1/r being valid iff i < ceil(length / r). So an item's output depends neither on
 * its batch-mates nor on how far the batch is padded. Batches whose items all fill the padded length
 * skip the masks where no padding exists.
 *
 * <p>Arrays made in a forward pass belong to the input's manager (temporaries to a scope closed at the
 * end of the call); parameter arrays are never the first operand of an operation, so nothing made in a
 * pass is attached to the weights' manager.
 */
public final class PeriodWave extends AbstractBlock {

    private static final float LOG_FLOOR = (float) Math.log(1e-5);
    private static final int SHUFFLE = VocoderConfig.LEVEL_STRIDE;

    private final VocoderConfig config;
    private final EnergyPrior prior;
    private final int[] periods;
    private final int[] ch;

    // Mel encoder: frame rate, then T/64 after the sub-pixel up-sampling.
    private final Conv encoderIn;
    private final List<ConvNeXtBlock> encoderBlocks = new ArrayList<>();
    private final ChannelNorm encoderNorm;
    private final SubPixelConv encoderUp;
    private final List<Conv> encoderPeriod = new ArrayList<>();

    // Time and period embedding, and the per-stage channel biases made from it.
    private final Parameter periodEmbedding;
    private final Dense mlpIn;
    private final Dense mlpOut;
    private final List<Dense> stageBias = new ArrayList<>(); // down1, down2, middle, up2, up1, up0

    // The shared U-Net of the branches.
    private final Conv in0;
    private final List<Conv> down = new ArrayList<>(); // to levels 1, 2, 3
    private final List<List<ResidualUnit>> downUnits = new ArrayList<>(); // at levels 1, 2, 3 (the middle)
    private final List<SubPixelConv> up = new ArrayList<>(); // to levels 2, 1, 0
    private final List<List<ResidualUnit>> upUnits = new ArrayList<>();

    // After the period sum, at full rate.
    private final List<ResidualUnit> finalUnits = new ArrayList<>();
    private final Conv out;

    public PeriodWave(VocoderConfig config) {
        this.config = config;
        this.prior = new EnergyPrior(config);
        this.periods = config.periods().stream().mapToInt(Integer::intValue).toArray();
        this.ch = config.channels().stream().mapToInt(Integer::intValue).toArray();
        int ce = config.encoderChannels();
        int k = config.encoderKernel();

        encoderIn = addChildBlock("encoder_in", Conv.plain("encoder.in", config.conditionChannels(), ce, k, 1, 1, 1, 0));
        for (int i = 0; i < config.encoderBlocks(); i++) {
            encoderBlocks.add(addChildBlock("encoder_block" + i,
                    new ConvNeXtBlock("encoder.block", ce, config.encoderInner(), k, 1.0f / config.encoderBlocks())));
        }
        encoderNorm = addChildBlock("encoder_norm", new ChannelNorm(ce));
        encoderUp = addChildBlock("encoder_up", new SubPixelConv("encoder.up", ce, ce, config.hop() / VocoderConfig.ROWS_PER_MIDDLE_ROW));
        for (int p : periods) {
            encoderPeriod.add(addChildBlock("encoder_period" + p, Conv.plain("encoder.period", ce, ch[3], 2 * p, p, 1, 1, 0)));
        }

        periodEmbedding = addParameter(Parameter.builder().setName("period_embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(periods.length, config.periodEmbedding()))
                .optInitializer((m, s, d) -> m.randomNormal(0, 1, s, d)).build());
        mlpIn = addChildBlock("mlp_in", new Dense(config.timeEmbedding() + config.periodEmbedding(), config.mlpHidden()));
        mlpOut = addChildBlock("mlp_out", new Dense(config.mlpHidden(), config.condition()));
        int[] biasWidths = {ch[1], ch[2], ch[3], ch[2], ch[1], ch[0]};
        String[] stages = {"down1", "down2", "middle", "up2", "up1", "up0"};
        for (int i = 0; i < biasWidths.length; i++) {
            stageBias.add(addChildBlock("bias_" + stages[i], new Dense(config.condition(), biasWidths[i])));
        }

        in0 = addChildBlock("in0", Conv.plain("unet.in0", 1, ch[0], 1, 1, 1, 1, 0));
        int kd = config.downKernel();
        for (int l = 1; l <= VocoderConfig.DEPTH; l++) {
            down.add(addChildBlock("down" + l, Conv.plain("unet.down" + l, ch[l - 1], ch[l], kd, SHUFFLE, 1, 1, kd / 2)));
            List<ResidualUnit> units = new ArrayList<>();
            List<Integer> dilations = l < VocoderConfig.DEPTH
                    ? ones(config.downUnits().get(l - 1)) : config.middleDilations();
            for (int i = 0; i < dilations.size(); i++) {
                units.add(addChildBlock((l < VocoderConfig.DEPTH ? "unit" + l + "_" : "middle_unit") + i,
                        new ResidualUnit("unet.unit", ch[l], dilations.get(i))));
            }
            downUnits.add(units);
        }
        for (int l = VocoderConfig.DEPTH - 1; l >= 0; l--) {
            up.add(addChildBlock("up" + l, new SubPixelConv("unet.up" + l, ch[l + 1], ch[l], SHUFFLE)));
            List<ResidualUnit> units = new ArrayList<>();
            int n = config.upUnits().get(VocoderConfig.DEPTH - 1 - l);
            for (int i = 0; i < n; i++) {
                units.add(addChildBlock("up_unit" + l + "_" + i, new ResidualUnit("unet.unit", ch[l], 1)));
            }
            upUnits.add(units);
        }

        for (int i = 0; i < config.finalDilations().size(); i++) {
            finalUnits.add(addChildBlock("final_unit" + i, new ResidualUnit("final.unit", ch[0], config.finalDilations().get(i))));
        }
        int kf = config.finalKernel();
        out = addChildBlock("out", Conv.plain("final.out", ch[0], 1, kf, 1, 1, 1, kf / 2));
    }

    public VocoderConfig config() {
        return config;
    }

    public EnergyPrior prior() {
        return prior;
    }

    /** Initializes every parameter in {@code manager}; libtorch's generator draws the weights. */
    public PeriodWave initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, config.hop()), new Shape(1), new Shape(1, config.nMels(), 1));
        return this;
    }

    /**
     * A served model: the checkpoint {@code dir/name} as {@link VocoderExport} writes it (plain
     * parameter names, the config embedded), its weights in {@code manager}.
     */
    public static PeriodWave load(Path dir, String name, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(dir, name);
        PeriodWave model = new PeriodWave(VocoderConfig.fromJson(loaded.config())).initialize(manager);
        try (NDManager scratch = manager.newSubManager()) {
            new TrainableParameters(model).copyFrom(loaded.toNDArrays(scratch));
        }
        return model;
    }

    // ---------------------------------------------------------------- mel encoder

    /**
     * Runs the mel encoder once for a batch of utterances.
     *
     * @param logMel (B, nMels, F) natural-log mel; frames past an item's length are ignored
     * @param frames valid frames of each item, each in [1, F]
     * @param macs filled with the encoder's MACs, or null
     */
    public EncodedMel encode(NDArray logMel, int[] frames, MacCounter macs) {
        Shape s = logMel.getShape();
        if (s.dimension() != 3 || s.get(1) != config.nMels()) {
            throw new IllegalArgumentException("expected a (batch, " + config.nMels() + ", frames) log-mel, got " + s);
        }
        int batch = (int) s.get(0);
        int f = (int) s.get(2);
        if (frames.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " frame counts, got " + frames.length);
        }
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            if (frames[b] < 1 || frames[b] > f) {
                throw new IllegalArgumentException("item " + b + " has " + frames[b] + " frames; expected 1.." + f);
            }
            lengths[b] = frames[b] * config.hop();
        }
        int samples = f * config.hop();
        NDManager owner = logMel.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray frameMask = mask(scope, lengths, config.hop(), f, 1);                         // (B, 1, F) or null
            NDArray mel = scoped(logMel, scope);
            NDArray sigma = prior.sigmaFrames(mel);                                                // (B, F)
            if (frameMask != null) {
                NDArray m = frameMask.squeeze(1);
                sigma = sigma.mul(m);
                mel = mel.mul(frameMask).add(frameMask.neg().add(1f).mul(LOG_FLOOR));             // padded frames = ln(1e-5)
            }
            NDArray h = mel.concat(sigma.expandDims(1), 1);                                        // (B, 81, F)
            // The input conv sees silence (ln 1e-5, sigma 0) past both ends, as it sees past an item's
            // length in a padded batch; zero padding would make an item's last frames depend on padding.
            int pad = config.encoderKernel() / 2;
            NDArray silence = scope.full(new Shape(batch, config.nMels(), pad), LOG_FLOOR)
                    .concat(scope.zeros(new Shape(batch, 1, pad)), 1);                             // (B, 81, k/2)
            h = NDArrays.concat(new NDList(silence, h, silence), 2);                               // (B, 81, F + k - 1)
            h = masked(encoderIn.forward(h, macs), frameMask);                                     // (B, Ce, F)
            for (ConvNeXtBlock block : encoderBlocks) {
                h = masked(block.forward(h, macs), frameMask);
            }
            h = masked(encoderNorm.forward(h), frameMask);
            int rows64 = samples / VocoderConfig.ROWS_PER_MIDDLE_ROW;
            h = masked(encoderUp.forward(h, macs), mask(scope, lengths, VocoderConfig.ROWS_PER_MIDDLE_ROW, rows64, 1)); // (B, Ce, T/64)
            List<NDArray> conditions = new ArrayList<>();
            for (int i = 0; i < periods.length; i++) {
                int p = periods[i];
                int rows = (int) (config.branchSamples(samples, p) / (VocoderConfig.ROWS_PER_MIDDLE_ROW * p));
                // Row m of branch p covers T/64 positions [pm, pm + p); the kernel 2p window is centred on them.
                int left = p / 2;
                int right = rows * p - rows64 + (p - left);
                NDArray padded = h;
                if (left > 0 || right > 0) {
                    padded = NDArrays.concat(new NDList(scope.zeros(new Shape(batch, h.getShape().get(1), left)), h,
                            scope.zeros(new Shape(batch, h.getShape().get(1), right))), 2);
                }
                NDArray c = masked(encoderPeriod.get(i).forward(padded, macs),
                        mask(scope, lengths, VocoderConfig.ROWS_PER_MIDDLE_ROW * p, rows, 1));        // (B, C3, T/(64p))
                c.attach(owner);
                conditions.add(c);
            }
            NDArray sigmaSamples = sigma.repeat(1, config.hop());                                  // (B, T)
            sigmaSamples.attach(owner);
            return new EncodedMel(conditions, sigmaSamples, lengths, samples);
        }
    }

    // ---------------------------------------------------------------- velocity

    /**
     * v_theta(x_t, c, t): one network evaluation for every period branch.
     *
     * @param x (B, T) the state x_t, zero past each item's length
     * @param t (B) flow time in [0, 1]
     * @param mel the encoded condition of the same batch
     * @param freeU up-block scales ({@link FreeU#OFF} for training)
     * @param macs filled with this evaluation's MACs, or null
     * @return (B, T), zero past each item's length, in {@code x}'s manager
     */
    public NDArray velocity(NDArray x, NDArray t, EncodedMel mel, FreeU freeU, MacCounter macs) {
        int batch = mel.batch();
        int samples = mel.samples();
        if (!x.getShape().equals(new Shape(batch, samples)) || !t.getShape().equals(new Shape(batch))) {
            throw new IllegalArgumentException("expected x (" + batch + ", " + samples + ") and t (" + batch
                    + "), got " + x.getShape() + " and " + t.getShape());
        }
        int[] lengths = mel.lengths();
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray xs = scoped(x, scope);
            NDArray time = timeEmbedding(scoped(t, scope));                                        // (B, E_t)
            NDArray sum = null;
            for (int i = 0; i < periods.length; i++) {
                NDArray branch = branch(i, xs, time, scoped(mel.periodConditions().get(i), scope), lengths, samples,
                        freeU, macs, scope);                                                         // (B, C0, T)
                sum = sum == null ? branch : sum.add(branch);
            }
            NDArray sampleMask = mask(scope, lengths, 1, samples, 1);                              // (B, 1, T) or null
            NDArray h = masked(Scalars.over(sum, Math.sqrt(periods.length)), sampleMask);
            for (ResidualUnit unit : finalUnits) {
                h = masked(unit.forward(h, macs), sampleMask);
            }
            NDArray v = masked(out.forward(silu(h), macs), sampleMask).squeeze(1);                 // (B, T)
            v.attach(owner);
            return v;
        }
    }

    /** One period branch: fold, U-Net, unfold. Returns (B, C0, T). */
    private NDArray branch(int index, NDArray x, NDArray time, NDArray melCondition, int[] lengths, int samples,
                           FreeU freeU, MacCounter macs, NDManager scope) {
        int p = periods[index];
        int batch = lengths.length;
        long padded = config.branchSamples(samples, p);
        long rows0 = padded / p;
        NDArray xp = padded == samples ? x : x.concat(scope.zeros(new Shape(batch, padded - samples)), 1);
        NDArray h = fold(xp.expandDims(1), p);                                                     // (B*p, 1, T'/p)

        NDArray[] masks = new NDArray[VocoderConfig.DEPTH + 1];
        long rows = rows0;
        for (int l = 0; l <= VocoderConfig.DEPTH; l++) {
            masks[l] = mask(scope, lengths, p * (int) Math.pow(SHUFFLE, l), (int) rows, p);        // (B*p, 1, rows_l) or null
            rows /= SHUFFLE;
        }
        NDArray c = periodCondition(index, time);                                                  // (B, cond)
        NDArray[] bias = new NDArray[stageBias.size()];
        for (int s = 0; s < bias.length; s++) {
            bias[s] = stageBias.get(s).forward(silu(c)).repeat(0, p).expandDims(2);               // (B*p, C_s, 1)
        }

        NDArray h0 = masked(in0.forward(h, macs), masks[0]);                                       // (B*p, C0, T'/p)
        NDArray[] skips = new NDArray[VocoderConfig.DEPTH];
        skips[0] = h0;
        NDArray hl = h0;
        for (int l = 1; l <= VocoderConfig.DEPTH; l++) {
            hl = down.get(l - 1).forward(hl, macs).add(bias[l - 1]);                               // (B*p, C_l, T'/(p 4^l))
            if (l == VocoderConfig.DEPTH) {
                hl = hl.add(melCondition.repeat(0, p));                                            // the mel enters at the middle
            }
            hl = masked(hl, masks[l]);
            for (ResidualUnit unit : downUnits.get(l - 1)) {
                hl = masked(unit.forward(hl, macs), masks[l]);
            }
            if (l < VocoderConfig.DEPTH) {
                skips[l] = hl;
            }
        }
        for (int j = 0; j < VocoderConfig.DEPTH; j++) {
            int l = VocoderConfig.DEPTH - 1 - j;                                                   // 2, 1, 0
            NDArray u = up.get(j).forward(hl, macs).add(bias[VocoderConfig.DEPTH + j]);            // (B*p, C_l, T'/(p 4^l))
            if (freeU.off()) {
                u = u.add(skips[l]);
            } else {
                u = Scalars.times(u, freeU.backbone()).add(Scalars.times(skips[l], freeU.skip()));
            }
            hl = masked(u, masks[l]);
            for (ResidualUnit unit : upUnits.get(j)) {
                hl = masked(unit.forward(hl, macs), masks[l]);
            }
        }
        NDArray unfolded = unfold(hl, p);                                                          // (B, C0, T')
        return padded == samples ? unfolded : unfolded.get(new NDIndex(":, :, :{}", samples));
    }

    /** MLP(concat(time embedding, period embedding)): (B, cond) for branch {@code index}. */
    private NDArray periodCondition(int index, NDArray time) {
        NDManager scope = time.getManager();
        NDArray table = scoped(periodEmbedding.getArray(), scope);                                 // (P, E_p)
        long batch = time.getShape().get(0);
        NDArray e = table.get(new NDIndex("{}:{}", index, index + 1)).broadcast(batch, config.periodEmbedding());
        NDArray h = time.concat(e, 1);                                                             // (B, E_t + E_p)
        return mlpOut.forward(silu(mlpIn.forward(h)));
    }

    /** (B) flow times to (B, E_t): [sin(1000 t w_k), cos(1000 t w_k)], w_k = 10000^(-k / (half - 1)). */
    private NDArray timeEmbedding(NDArray t) {
        int half = config.timeEmbedding() / 2;
        float[] w = new float[half];
        for (int k = 0; k < half; k++) {
            w[k] = (float) Math.exp(-Math.log(10_000) * k / Math.max(1, half - 1));
        }
        NDArray arg = t.mul(1000f).expandDims(1).mul(t.getManager().create(w, new Shape(1, half)));  // (B, half)
        return arg.sin().concat(arg.cos(), 1);
    }

    // ---------------------------------------------------------------- period folding

    /**
     * (B, C, T) -> (B*p, C, T/p): column j of the (T/p) x p grid, y_j[m] = x[mp + j], becomes batch item
     * b*p + j. T must be a multiple of p.
     */
    public static NDArray fold(NDArray x, int p) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long t = s.get(2);
        if (t % p != 0) {
            throw new IllegalArgumentException("cannot fold " + t + " samples by period " + p);
        }
        return x.reshape(b, c, t / p, p).transpose(0, 3, 1, 2).reshape(b * p, c, t / p);
    }

    /** The inverse of {@link #fold}: (B*p, C, R) -> (B, C, R*p). */
    public static NDArray unfold(NDArray y, int p) {
        Shape s = y.getShape();
        long b = s.get(0) / p;
        long c = s.get(1);
        long r = s.get(2);
        return y.reshape(b, p, c, r).transpose(0, 2, 3, 1).reshape(b, c, r * p);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * 0/1 mask for a batch at rate 1/{@code divisor}: (B*repeat, 1, rows), position i valid iff
     * i < ceil(length / divisor); null when every position is valid.
     */
    static NDArray mask(NDManager manager, int[] lengths, int divisor, int rows, int repeat) {
        boolean full = true;
        int[] valid = new int[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            valid[b] = (int) Math.min(rows, (lengths[b] + (long) divisor - 1) / divisor);
            full &= valid[b] == rows;
        }
        if (full) {
            return null;
        }
        float[] m = new float[lengths.length * repeat * rows];
        for (int b = 0; b < lengths.length; b++) {
            for (int r = 0; r < repeat; r++) {
                int base = (b * repeat + r) * rows;
                Arrays.fill(m, base, base + valid[b], 1f);
            }
        }
        return Constants.copyOf(manager, m, new Shape((long) lengths.length * repeat, 1, rows));
    }

    private static NDArray masked(NDArray x, NDArray mask) {
        return mask == null ? x : x.mul(mask);
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * A differentiable alias of {@code a} owned by {@code scope}: what is computed from it then belongs to the
     * scope, whoever owns {@code a} (a parameter, an encoded mel kept across ODE steps). A same-shape reshape
     * is a view that shares {@code a}'s storage and keeps it in the autograd graph. Not {@code duplicate()}:
     * DJL's copy is detached, and with it the mel encoder, the residual units and the period embedding got no
     * gradient at all (they stayed at their initial values through the first 6,800 training steps).
     */
    static NDArray scoped(NDArray a, NDManager scope) {
        NDArray alias = a.reshape(a.getShape());
        alias.attach(scope);
        return alias;
    }

    private static List<Integer> ones(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(1);
        }
        return out;
    }

    // ---------------------------------------------------------------- DJL block plumbing

    /** DJL's entry point: inputs x (B, T), t (B), log-mel (B, nMels, T/hop), all full length; output v (B, T). */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray logMel = inputs.get(2);
        int[] frames = new int[(int) logMel.getShape().get(0)];
        Arrays.fill(frames, (int) logMel.getShape().get(2));
        EncodedMel mel = encode(logMel, frames, null);
        return new NDList(velocity(inputs.get(0), inputs.get(1), mel, FreeU.OFF, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> child : getChildren()) {
            child.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    // ================================================================ layers

    /** A layer whose parameters have fixed shapes and that is called directly, not through DJL's forward. */
    abstract static class Layer extends AbstractBlock {

        @Override
        protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " is called through PeriodWave");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (Pair<String, Block> child : getChildren()) {
                child.getValue().initialize(manager, dataType, inputShapes);
            }
        }

        Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
            return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build());
        }

        /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default for convolutions and linear layers. */
        static Initializer uniform(long fanIn) {
            float bound = (float) (1 / Math.sqrt(fanIn));
            return (m, s, d) -> m.randomUniform(-bound, bound, s, d);
        }

        static Initializer constant(float value) {
            return (m, s, d) -> m.full(s, value, d);
        }
    }

    /** Conv1d: (N, C_in, L) -> (N, C_out, L'); C_in * C_out * k / groups MACs per output position. */
    static final class Conv extends Layer {
        final String name;
        final int in;
        final int out;
        final int kernel;
        final int stride;
        final int dilation;
        final int groups;
        final int padding;
        final Parameter weight;
        final Parameter bias;

        Conv(String name, int in, int out, int kernel, int stride, int dilation, int groups, int padding,
             Initializer weightInit, Initializer biasInit) {
            this.name = name;
            this.in = in;
            this.out = out;
            this.kernel = kernel;
            this.stride = stride;
            this.dilation = dilation;
            this.groups = groups;
            this.padding = padding;
            weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in / groups, kernel), weightInit);
            bias = param("bias", Parameter.Type.BIAS, new Shape(out), biasInit);
        }

        static Conv plain(String name, int in, int out, int kernel, int stride, int dilation, int groups, int padding) {
            Initializer init = uniform((long) in / groups * kernel);
            return new Conv(name, in, out, kernel, stride, dilation, groups, padding, init, init);
        }

        NDArray forward(NDArray x, MacCounter macs) {
            NDArray y = Conv1d.conv1d(x, weight.getArray(), bias.getArray(), new Shape(stride),
                    new Shape(padding), new Shape(dilation), groups).singletonOrThrow();
            count(macs, y);
            return y;
        }

        void count(MacCounter macs, NDArray y) {
            if (macs != null) {
                Shape s = y.getShape();
                macs.add(name, (long) in / groups * out * kernel * s.get(0) * s.get(2));
            }
        }
    }

    /**
     * Sub-pixel (depth-to-space) up-sampling by s: a stride-1 Conv1d k3 with s * C_out outputs, then
     * y[c][sq + r] = z[r * C_out + c][q]. ICNR initialization (Aitken et al. 2017): the s sub-kernels
     * start equal, so at initialization the layer is a nearest-neighbour up-sampling of one convolution
     * and makes no checkerboard pattern.
     */
    static final class SubPixelConv extends Layer {
        final int factor;
        final int out;
        final Conv conv;

        SubPixelConv(String name, int in, int out, int factor) {
            this.factor = factor;
            this.out = out;
            int kernel = 3;
            long fanIn = (long) in * kernel;
            float bound = (float) (1 / Math.sqrt(fanIn));
            Initializer icnr = (m, s, d) -> m.randomUniform(-bound, bound, new Shape(out, s.get(1), s.get(2)), d).tile(new long[] {factor, 1, 1});
            Initializer icnrBias = (m, s, d) -> m.randomUniform(-bound, bound, new Shape(out), d).tile(new long[] {factor});
            conv = addChildBlock("conv", new Conv(name, in, factor * out, kernel, 1, 1, 1, 1, icnr, icnrBias));
        }

        /** (N, C_in, L) -> (N, C_out, s L). */
        NDArray forward(NDArray x, MacCounter macs) {
            NDArray z = conv.forward(x, macs);                                                    // (N, s*C_out, L)
            Shape s = z.getShape();
            return z.reshape(s.get(0), factor, out, s.get(2)).transpose(0, 2, 3, 1).reshape(s.get(0), out, s.get(2) * factor);
        }
    }

    /**
     * Residual unit: x + Conv1d_k3,d(SiLU(x)) with a weight-normed kernel w = g v / ||v|| (the norm
     * over input channels and taps, per output channel). g starts at 1/sqrt(3), the per-channel norm of
     * PyTorch's default initialization in expectation.
     */
    static final class ResidualUnit extends Layer {
        final String name;
        final int channels;
        final int dilation;
        final Parameter v;
        final Parameter g;
        final Parameter bias;

        ResidualUnit(String name, int channels, int dilation) {
            this.name = name;
            this.channels = channels;
            this.dilation = dilation;
            Initializer init = uniform(3L * channels);
            v = param("weight_v", Parameter.Type.WEIGHT, new Shape(channels, channels, 3), init);
            g = param("weight_g", Parameter.Type.GAMMA, new Shape(channels), constant((float) (1 / Math.sqrt(3))));
            bias = param("bias", Parameter.Type.BIAS, new Shape(channels), init);
        }

        NDArray forward(NDArray x, MacCounter macs) {
            NDManager scope = x.getManager();
            NDArray vs = scoped(v.getArray(), scope);
            NDArray norm = vs.square().sum(new int[] {1, 2}, true).sqrt();                        // (C, 1, 1)
            NDArray w = vs.mul(scoped(g.getArray(), scope).reshape(channels, 1, 1)).div(norm);
            NDArray y = Conv1d.conv1d(silu(x), w, bias.getArray(), new Shape(1), new Shape(dilation),
                    new Shape(dilation), 1).singletonOrThrow();
            if (macs != null) {
                macs.add(name, 3L * channels * channels * y.getShape().get(0) * y.getShape().get(2));
            }
            return x.add(y);
        }
    }

    /** LayerNorm over channels at every position of (N, C, L): no statistics across time. */
    static final class ChannelNorm extends Layer {
        final int channels;
        final Parameter gamma;
        final Parameter beta;

        ChannelNorm(int channels) {
            this.channels = channels;
            gamma = param("gamma", Parameter.Type.GAMMA, new Shape(channels), constant(1f));
            beta = param("beta", Parameter.Type.BETA, new Shape(channels), constant(0f));
        }

        NDArray forward(NDArray x) {
            NDArray tc = x.transpose(0, 2, 1);                                                    // (N, L, C)
            return normalize(tc).transpose(0, 2, 1);
        }

        NDArray normalize(NDArray channelsLast) {
            return LayerNorm.layerNorm(channelsLast, new Shape(channels), gamma.getArray(), beta.getArray(), 1e-6f)
                    .singletonOrThrow();
        }
    }

    /** Linear layer on (N, C_in) or (N, L, C_in). */
    static final class Dense extends Layer {
        final Parameter weight;
        final Parameter bias;

        Dense(int in, int out) {
            weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), uniform(in));
            bias = param("bias", Parameter.Type.BIAS, new Shape(out), uniform(in));
        }

        NDArray forward(NDArray x) {
            return Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
        }
    }

    /**
     * ConvNeXt block without GRN (spec 2.5): depthwise Conv k7 -> channel LayerNorm -> Linear C->inner ->
     * GELU -> Linear inner->C -> layer scale -> add. Layer scale starts at 1/blocks (as in Vocos).
     */
    static final class ConvNeXtBlock extends Layer {
        final String name;
        final int channels;
        final int inner;
        final Conv depthwise;
        final ChannelNorm norm;
        final Dense expand;
        final Dense project;
        final Parameter scale;

        ConvNeXtBlock(String name, int channels, int inner, int kernel, float layerScale) {
            this.name = name;
            this.channels = channels;
            this.inner = inner;
            depthwise = addChildBlock("depthwise", Conv.plain(name + ".depthwise", channels, channels, kernel, 1, 1,
                    channels, kernel / 2));
            norm = addChildBlock("norm", new ChannelNorm(channels));
            expand = addChildBlock("expand", new Dense(channels, inner));
            project = addChildBlock("project", new Dense(inner, channels));
            scale = param("layer_scale", Parameter.Type.GAMMA, new Shape(channels), constant(layerScale));
        }

        NDArray forward(NDArray x, MacCounter macs) {
            NDArray h = norm.normalize(depthwise.forward(x, macs).transpose(0, 2, 1));           // (N, L, C)
            h = project.forward(Activation.gelu(expand.forward(h))).mul(scale.getArray());         // (N, L, C)
            if (macs != null) {
                macs.add(name + ".pointwise", 2L * channels * inner * h.getShape().get(0) * h.getShape().get(1));
            }
            return x.add(h.transpose(0, 2, 1));
        }
    }
}
