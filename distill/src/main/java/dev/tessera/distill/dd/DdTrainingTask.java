package dev.tessera.distill.dd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tessera.core.nn.Constants;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainingTask;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.SubTokenSplit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link DdStudent} on teacher pairs with the project's {@link dev.tessera.core.train.Trainer}
 * (specs/image.md 5.3).
 *
 * <p>A step draws {@code batch} pairs uniformly with replacement from the step's generator; each pair's input
 * X_t is all noise, or (with probability {@code dataShare}) its first {@code dataTokens} tokens as code vectors
 * and noise after. The loss covers the noise positions only: {@code CE_pre + CE_post} per token in nats (the
 * post head teacher-forced on the target pre), plus {@code regressionWeight} times the MSE of the regression
 * head to c(q_t) when the student has one.
 *
 * <p>Validation on the held-out pairs (all noise): {@code loss} (CE per token) and {@code agreement1}, the
 * share of the 1-step student's tokens equal to the teacher's for the same noise.
 */
public final class DdTrainingTask implements TrainingTask, AutoCloseable {

    private final DdTrainingConfig config;
    private final NDManager manager = NDManager.newBaseManager();
    private final DdStudent student;
    private final DdPairs train;
    private final DdPairs heldOut;

    /**
     * The student of {@code studentConfig}, initialized from {@code teacher}'s weights.
     *
     * @param pairs all pairs; the last {@code validationPairs} are held out
     */
    public DdTrainingTask(DdTrainingConfig config, DdStudentConfig studentConfig, FactorizedArTransformer teacher,
                          DdPairs pairs) {
        if (pairs.bits() != studentConfig.bits() || pairs.tokens() != studentConfig.tokens()) {
            throw new IllegalArgumentException("the pairs hold " + pairs.tokens() + " tokens of " + pairs.bits()
                    + " bits; the student reads " + studentConfig.tokens() + " of " + studentConfig.bits());
        }
        if (pairs.count() <= config.validationPairs()) {
            throw new IllegalArgumentException("need more than " + config.validationPairs() + " pairs (the held-out "
                    + "ones), got " + pairs.count());
        }
        this.config = config;
        this.train = pairs.head(pairs.count() - config.validationPairs());
        this.heldOut = pairs.slice(pairs.count() - config.validationPairs(), pairs.count());
        this.student = new DdStudent(studentConfig);
        student.initialize(manager);
        student.initializeFrom(teacher);
    }

    public DdStudent student() {
        return student;
    }

    @Override
    public String name() {
        return "image-dd";
    }

    @Override
    public Block block() {
        return student;
    }

    /** One batch's inputs and targets, built on the host. */
    private record Inputs(NDArray x, NDArray data, NDArray classes, NDArray pre, NDArray post, NDArray mask,
                          NDArray codes, long[] tokens) {
    }

    /**
     * @param dataTokens per row, how many leading tokens are data (0 = all noise)
     */
    private Inputs inputs(NDManager m, DdPairs pairs, int[] rows, int[] dataTokens) {
        DdStudentConfig c = student.config();
        SubTokenSplit split = c.split();
        int b = rows.length;
        int t = c.tokens();
        int k = c.bits();
        float[] x = new float[b * t * k];
        float[] codes = new float[b * t * k];
        long[] data = new long[b * t];
        long[] classes = new long[b];
        long[] pre = new long[b * t];
        long[] post = new long[b * t];
        long[] tokens = new long[b * t];
        float[] mask = new float[b * t];
        double[] noise = new double[t * k];
        for (int r = 0; r < b; r++) {
            int i = rows[r];
            classes[r] = pairs.classId(i);
            PortableNoise.fill(pairs.seed(i), noise, 0, t * k);
            for (int p = 0; p < t; p++) {
                long q = pairs.token(i, p);
                int at = r * t + p;
                tokens[at] = q;
                pre[at] = split.pre(q);
                post[at] = split.post(q);
                DdSampler.codeVector(q, k, codes, at * k);
                if (p < dataTokens[r]) {
                    data[at] = 1;
                    System.arraycopy(codes, at * k, x, at * k, k);
                } else {
                    mask[at] = 1;
                    for (int j = 0; j < k; j++) {
                        x[at * k + j] = (float) noise[p * k + j];
                    }
                }
            }
        }
        // libtorch-owned copies: the graph may keep them past this method (core.nn.Constants)
        return new Inputs(Constants.copyOf(m, x, new Shape(b, t, k)), longs(m, data, b, t), m.create(classes).duplicate(),
                longs(m, pre, b, t), longs(m, post, b, t), Constants.copyOf(m, mask, new Shape(b, t)),
                Constants.copyOf(m, codes, new Shape(b, t, k)), tokens);
    }

    private static NDArray longs(NDManager m, long[] v, int b, int t) {
        try (NDArray blob = m.create(v, new Shape(b, t))) {
            return blob.duplicate();
        }
    }

    /** {@code -log softmax(logits)[target]}: {@code (B, T, V)}, {@code (B, T)} -> {@code (B, T)}. */
    private static NDArray crossEntropy(NDArray logits, NDArray target) {
        return logits.logSoftmax(-1).gather(target.expandDims(-1), -1).squeeze(-1).neg();
    }

    /** The loss terms of a batch: loss, cePre, cePost (nats per predicted token), mse when regressing. */
    private Map<String, NDArray> terms(ParameterStore ps, Inputs in, boolean training) {
        NDArray ctx = student.context(ps, in.x(), in.data(), in.classes(), training);
        DdStudent.Logits l = student.heads(ps, ctx, in.pre(), training);
        NDArray count = in.mask().sum();
        NDArray cePre = crossEntropy(l.pre(), in.pre()).mul(in.mask()).sum().div(count);
        NDArray cePost = crossEntropy(l.post(), in.post()).mul(in.mask()).sum().div(count);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray loss = cePre.add(cePost);
        out.put("ce", loss);
        out.put("cePre", cePre);
        out.put("cePost", cePost);
        if (l.regression() != null && config.regressionWeight() > 0) {
            NDArray mse = l.regression().sub(in.codes()).square().mean(new int[] {-1}).mul(in.mask()).sum().div(count);
            out.put("mse", mse);
            loss = loss.add(Scalars.times(mse, config.regressionWeight()));
        }
        out.put("loss", loss);
        return out;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        int b = config.batch();
        int[] rows = new int[b];
        int[] dataTokens = new int[b];
        for (int r = 0; r < b; r++) {
            rows[r] = random.nextInt(train.count());
            dataTokens[r] = random.nextDouble() < config.dataShare() ? student.config().dataTokens() : 0;
        }
        Map<String, NDArray> terms = terms(new ParameterStore(m, false), inputs(m, train, rows, dataTokens), true);
        NDArray loss = terms.remove("loss");
        return new StepLoss(loss, terms);
    }

    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        return evaluate(m, heldOut);
    }

    /** Held-out CE per token (all noise) and 1-step agreement with the teacher's tokens on {@code pairs}. */
    public Map<String, Double> evaluate(NDManager m, DdPairs pairs) {
        double ce = 0;
        long agree = 0;
        long total = 0;
        int chunk = 64;
        for (int from = 0; from < pairs.count(); from += chunk) {
            int to = Math.min(pairs.count(), from + chunk);
            int[] rows = new int[to - from];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = from + r;
            }
            try (NDManager s = m.newSubManager()) {
                ParameterStore ps = new ParameterStore(s, false);
                Inputs in = inputs(s, pairs, rows, new int[rows.length]);
                ce += terms(ps, in, false).get("ce").getFloat() * rows.length;
                long[] got = student.decode(ps, in.x(), in.data(), in.classes()).toLongArray();
                for (int j = 0; j < got.length; j++) {
                    agree += got[j] == in.tokens()[j] ? 1 : 0;
                }
                total += got.length;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", ce / pairs.count());
        out.put("agreement1", agree / (double) total);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
