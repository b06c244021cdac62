package dev.tessera.distill.dd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.InterTokenTransformer;
import dev.tessera.image.ar.SubTokenSplit;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.image.nn.RmsNorm;
import dev.tessera.image.nn.TransformerLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The distilled-decoding student (specs/image.md 5.3): the whole noise sequence to tokens in one pass. The
 * forward pass, top to bottom:
 *
 * <pre>
 * x (B, T, K): per position the noise e_t, or the code vector c(q_t) where the token is given as data
 * h_t = input(x_t) + marker[data_t]                 Linear(K -> w) + a 2 x w noise/data table   (B, T, w)
 * C = trunk([class, h_1 .. h_T])[1 ..]              causal, the spare position row; C_t sees x_&lt;=t (B, T, w)
 * intra over [C_t, E_pre[pre_t]] per position       (B*T, 2, w), as the teacher's
 * RMSNorm; slot 0 -> pre logits (B, T, 2^pre); slot 1 -> post logits (B, T, 2^post) given pre_t
 * optional regression head Linear(w -> K) on C_t     (B, T, K), read out by sign
 * </pre>
 *
 * <p>Parameter names equal the teacher's where the part is the teacher's ({@code trunk_*}, {@code intra0_*},
 * {@code preEmbedding_*}, {@code norm_*}, {@code preHead_*}, {@code postHead_*}), so {@link #initializeFrom}
 * copies them by name; the teacher's output at position t predicted token t+1 from tokens up to t, the
 * student's predicts token t from inputs up to t (DD1's causal student), a shift that training teaches.
 */
public final class DdStudent extends FixedShapeBlock {

    private final DdStudentConfig config;
    private final SubTokenSplit split;
    private final Dense input;
    private final EmbeddingTable marker;
    private final InterTokenTransformer trunk;
    private final List<TransformerLayer> intra = new ArrayList<>();
    private final EmbeddingTable preEmbedding;
    private final RmsNorm norm;
    private final Dense preHead;
    private final Dense postHead;
    private final Dense regression;

    public DdStudent(DdStudentConfig config) {
        this.config = config;
        this.split = config.split();
        ArTrunkConfig t = config.trunk();
        int w = t.width();
        this.input = child("input", Dense.normal(config.bits(), w, true, t.initStd()));
        this.marker = child("marker", new EmbeddingTable(2, w, t.initStd()));
        this.trunk = child("trunk", new InterTokenTransformer(t));
        for (int i = 0; i < config.teacher().intraLayers(); i++) {
            intra.add(child("intra" + i, new TransformerLayer(w, t.heads(), t.ffnHidden(), t.dropout(), t.initStd(),
                    t.normEps())));
        }
        this.preEmbedding = child("preEmbedding", new EmbeddingTable(split.preSize(), w, t.initStd()));
        this.norm = child("norm", new RmsNorm(w, t.normEps()));
        this.preHead = child("preHead", Dense.zeros(w, split.preSize(), false));
        this.postHead = child("postHead", Dense.zeros(w, split.postSize(), false));
        this.regression = config.regressionHead() ? child("regression", Dense.zeros(w, config.bits(), true)) : null;
    }

    public DdStudentConfig config() {
        return config;
    }

    public SubTokenSplit split() {
        return split;
    }

    /**
     * Copies the teacher's shared parts by name, sets {@code input} to the least-squares fit of
     * {@code E_pre + E_post} on all 2^K codes and zeroes the marker, so that on data inputs the untrained
     * student embeds tokens as the teacher does (up to the fit's error). Both must be initialized.
     *
     * <p>Least squares: over codes c uniform on {-1,+1}^K, E[c c^T] = I and E[c] = 0, so
     * {@code W = mean_c E(c) c^T} and {@code b = mean_c E(c)}; E(c) is a sum of a pre and a post table, so
     * each column of W is a mean over one table only: column i (a pre bit) = mean_a E_pre[a] c_i(a).
     */
    public void initializeFrom(FactorizedArTransformer teacher) {
        Map<String, Parameter> theirs = new java.util.HashMap<>();
        for (Pair<String, Parameter> p : teacher.getParameters()) {
            theirs.put(p.getKey(), p.getValue());
        }
        for (Pair<String, Parameter> p : getParameters()) {
            Parameter t = theirs.get(p.getKey());
            if (t != null) {
                p.getValue().getArray().set(t.getArray().toFloatArray());
            }
        }
        int w = config.trunk().width();
        int k = config.bits();
        float[] pre = theirs.get("preEmbedding_weight").getArray().toFloatArray();     // (2^pre, w)
        float[] post = theirs.get("postEmbedding_weight").getArray().toFloatArray();   // (2^post, w)
        double[] weight = new double[w * k];                                             // (w, K) row-major
        double[] bias = new double[w];
        fitTable(pre, split.preSize(), split.preBits(), 0, w, k, weight, bias);
        fitTable(post, split.postSize(), split.postBits(), split.preBits(), w, k, weight, bias);
        float[] wf = new float[weight.length];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) weight[i];
        }
        float[] bf = new float[w];
        for (int i = 0; i < w; i++) {
            bf[i] = (float) bias[i];
        }
        parameter("input_weight").set(wf);
        parameter("input_bias").set(bf);
        NDArray m = parameter("marker_weight");
        m.set(new float[(int) m.size()]);
    }

    /** Adds one table's share of the fit: its mean to the bias, its bit correlations to columns at {@code firstBit}. */
    private static void fitTable(float[] table, int rows, int bits, int firstBit, int w, int k, double[] weight,
                                 double[] bias) {
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < w; d++) {
                double e = table[r * w + d] / rows;
                bias[d] += e;
                for (int i = 0; i < bits; i++) {
                    weight[d * k + firstBit + i] += ((r >> i) & 1) != 0 ? e : -e;
                }
            }
        }
    }

    private NDArray parameter(String name) {
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException("the student has no parameter " + name);
    }

    /**
     * The trunk's output for each position.
     *
     * @param x {@code (B, T, K)} float32: noise, or code vectors where {@code data} is 1
     * @param data {@code (B, T)} int64, 0 = noise, 1 = data
     * @param classes {@code (B)} int64 in {@code [0, numClasses]}
     * @return {@code (B, T, w)}; position t has seen the class and x_1 .. x_t
     */
    public NDArray context(ParameterStore ps, NDArray x, NDArray data, NDArray classes, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(1) != config.tokens() || s.get(2) != config.bits()) {
            throw new IllegalArgumentException("expected inputs of shape (B, " + config.tokens() + ", " + config.bits()
                    + "), got " + s);
        }
        NDArray h = input.forward(ps, x, training).add(marker.forward(ps, data, training));     // (B, T, w)
        return trunk.forward(ps, classes, h, training).get(":, 1:");                            // (B, T, w)
    }

    /** Logits of both sub-tokens, the post logits given {@code pre}; regression null without its head. */
    public record Logits(NDArray pre, NDArray post, NDArray regression) {
    }

    /**
     * @param context {@code (B, T, w)} from {@link #context}
     * @param pre {@code (B, T)} int64: the pre sub-token each post head is conditioned on (teacher-forced in
     *     training, the argmax at inference)
     */
    public Logits heads(ParameterStore ps, NDArray context, NDArray pre, boolean training) {
        long b = context.getShape().get(0);
        long t = context.getShape().get(1);
        int w = config.trunk().width();
        NDArray e = preEmbedding.forward(ps, pre, training);                                     // (B, T, w)
        NDArray h = NDArrays.stack(new NDList(context, e), 2).reshape(b * t, 2, w);              // (B*T, 2, w)
        for (TransformerLayer layer : intra) {
            h = layer.forward(ps, h, training);
        }
        h = norm.forward(ps, h, training).reshape(b, t, 2, w);
        NDArray r = regression == null ? null : regression.forward(ps, context, training);       // (B, T, K)
        return new Logits(preHead.forward(ps, h.get(":, :, 0"), training),                       // (B, T, 2^pre)
                postHead.forward(ps, h.get(":, :, 1"), training), r);                            // (B, T, 2^post)
    }

    /**
     * Greedy tokens of one pass: pre = argmax, then post = argmax given that pre.
     *
     * @return {@code (B, T)} int64 token indices
     */
    public NDArray decode(ParameterStore ps, NDArray x, NDArray data, NDArray classes) {
        NDManager m = x.getManager();
        NDArray c = context(ps, x, data, classes, false);
        long b = x.getShape().get(0);
        NDArray zeros = m.zeros(new Shape(b, config.tokens()), ai.djl.ndarray.types.DataType.INT64);
        NDArray pre = heads(ps, c, zeros, false).pre().argMax(-1);                              // slot 0 ignores slot 1
        NDArray post = heads(ps, c, pre, false).post().argMax(-1);
        return split.merge(pre, post);
    }
}
