package dev.tessera.distill.dd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.InterTokenTransformer;
import dev.tessera.image.ar.SubTokenSplit;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.image.nn.RmsNorm;
import dev.tessera.image.nn.TransformerLayer;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.SubTokenSampler;
import java.util.SplittableRandom;

/**
 * Inference of distilled decoding (specs/image.md 5.3), and the naive one-step baseline.
 *
 * <ul>
 *   <li>1 step: every position noise ({@link PortableNoise} of the image's seed, as in the pairs), one
 *       student pass, pre = argmax, then post = argmax given that pre.</li>
 *   <li>2 steps: keep the first {@code dataTokens} tokens of the first pass as data (code vectors, marker 1),
 *       reset the rest to the same initial noise, pass again; tokens = the kept ones, then the second
 *       pass's.</li>
 *   <li>Naive baseline (our construction, the floor): one teacher pass over a sequence of the neutral code;
 *       every position's pre and post drawn independently from those logits (guided as {@code params}).</li>
 * </ul>
 */
public final class DdSampler {

    private final DdStudent student;

    public DdSampler(DdStudent student) {
        this.student = student;
    }

    public DdStudent student() {
        return student;
    }

    /**
     * Token grids of the student.
     *
     * @param classes class ids in {@code [0, numClasses]}
     * @param noiseSeeds one noise seed per image ({@link PortableNoise})
     * @param steps 1 or 2
     * @return {@code (n, T)} token indices
     */
    public long[][] sample(NDManager manager, int[] classes, long[] noiseSeeds, int steps) {
        if (steps != 1 && steps != 2) {
            throw new IllegalArgumentException("the distilled student runs 1 or 2 steps, got " + steps);
        }
        DdStudentConfig c = student.config();
        int n = classes.length;
        int t = c.tokens();
        int k = c.bits();
        int numClasses = c.trunk().numClasses();
        float[] x = new float[n * t * k];
        long[] cls = new long[n];
        for (int i = 0; i < n; i++) {
            if (classes[i] < 0 || classes[i] > numClasses) {
                throw new IllegalArgumentException("class " + classes[i] + " is outside [0, " + numClasses + "]");
            }
            cls[i] = classes[i];
            double[] e = PortableNoise.gaussian(noiseSeeds[i], t * k);
            for (int j = 0; j < e.length; j++) {
                x[i * t * k + j] = (float) e[j];
            }
        }
        long[] tokens;
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray classArray = m.create(cls);
            long[] data = new long[n * t];
            tokens = student.decode(ps, m.create(x, new Shape(n, t, k)), m.create(data, new Shape(n, t)), classArray)
                    .toLongArray();
            if (steps == 2) {
                int keep = c.dataTokens();
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < keep; p++) {
                        data[i * t + p] = 1;
                        codeVector(tokens[i * t + p], k, x, (i * t + p) * k);
                    }
                }
                long[] second = student.decode(ps, m.create(x, new Shape(n, t, k)), m.create(data, new Shape(n, t)),
                        classArray).toLongArray();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(second, i * t + keep, tokens, i * t + keep, t - keep);
                }
            }
        }
        long[][] out = new long[n][t];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tokens, i * t, out[i], 0, t);
        }
        return out;
    }

    /** Writes c(q) in {-1,+1}^K to {@code out[offset ..]}: +1 where bit i of q is set. */
    static void codeVector(long q, int bits, float[] out, int offset) {
        for (int i = 0; i < bits; i++) {
            out[offset + i] = ((q >> i) & 1) != 0 ? 1f : -1f;
        }
    }

    /**
     * The naive one-step baseline: one pass of the teacher's trunk over {@code [class, neutral x (T-1)]}, then
     * per position pre drawn from the slot-0 logits and post from the slot-1 logits given it, each position
     * independently, guided (a null-class row per guided image) as {@code params} says.
     *
     * @param randoms one generator per image
     */
    public static long[][] naive(FactorizedArTransformer teacher, NDManager manager, int[] classes, long neutralCode,
                                 SamplingParams params, SplittableRandom[] randoms) {
        int n = classes.length;
        int t = teacher.trunkConfig().tokens();
        int w = teacher.trunkConfig().width();
        int nullClass = teacher.trunkConfig().nullClass();
        SubTokenSplit split = teacher.split();
        boolean guided = params.guided();
        int rows = guided ? 2 * n : n;
        long[] cls = new long[rows];
        for (int i = 0; i < n; i++) {
            cls[i] = classes[i];
            if (guided) {
                cls[n + i] = nullClass;
            }
        }
        InterTokenTransformer trunk = part(teacher, "trunk", InterTokenTransformer.class);
        EmbeddingTable preEmbedding = part(teacher, "preEmbedding", EmbeddingTable.class);
        EmbeddingTable postEmbedding = part(teacher, "postEmbedding", EmbeddingTable.class);
        TransformerLayer intra = part(teacher, "intra0", TransformerLayer.class);
        RmsNorm norm = part(teacher, "norm", RmsNorm.class);
        Dense preHead = part(teacher, "preHead", Dense.class);
        Dense postHead = part(teacher, "postHead", Dense.class);
        if (teacher.config().intraLayers() != 1) {
            throw new IllegalArgumentException("the naive baseline supports one intra-token layer, the teacher has "
                    + teacher.config().intraLayers());
        }
        long[][] out = new long[n][t];
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            long[] neutral = new long[rows * (t - 1)];
            java.util.Arrays.fill(neutral, neutralCode);
            NDArray tok = m.create(neutral, new Shape(rows, t - 1));
            NDArray e = preEmbedding.forward(ps, split.pre(tok), false).add(postEmbedding.forward(ps, split.post(tok), false));
            NDArray ctx = trunk.forward(ps, m.create(cls), e, false);                               // (R, T, w)
            NDArray zeros = m.zeros(new Shape(rows, t), DataType.INT64);
            float[] preLogits = intraHead(ps, intra, norm, preEmbedding, ctx, zeros, 0, preHead, rows, t, w);
            int v0 = split.preSize();
            int v1 = split.postSize();
            SubTokenSampler preSampler = new SubTokenSampler(v0);
            SubTokenSampler postSampler = new SubTokenSampler(v1);
            long[] pre = new long[rows * t];
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < t; p++) {
                    int off = (i * t + p) * v0;
                    pre[i * t + p] = preSampler.sample(preLogits, off, guided ? preLogits : null,
                            guided ? ((n + i) * t + p) * v0 : 0, params.pre(), randoms[i]);
                    if (guided) {
                        pre[(n + i) * t + p] = pre[i * t + p];
                    }
                }
            }
            float[] postLogits = intraHead(ps, intra, norm, preEmbedding, ctx, m.create(pre, new Shape(rows, t)), 1,
                    postHead, rows, t, w);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < t; p++) {
                    int off = (i * t + p) * v1;
                    long post = postSampler.sample(postLogits, off, guided ? postLogits : null,
                            guided ? ((n + i) * t + p) * v1 : 0, params.post(), randoms[i]);
                    out[i][p] = split.merge(pre[i * t + p], post);
                }
            }
        }
        return out;
    }

    /** The teacher's intra layer over [C_t, E_pre[pre_t]], normed, slot {@code slot} through {@code head}: (R*T*V). */
    private static float[] intraHead(ParameterStore ps, TransformerLayer intra, RmsNorm norm, EmbeddingTable preEmbedding,
                                     NDArray ctx, NDArray pre, int slot, Dense head, int rows, int t, int w) {
        NDArray h = NDArrays.stack(new NDList(ctx, preEmbedding.forward(ps, pre, false)), 2).reshape((long) rows * t, 2, w);
        h = norm.forward(ps, intra.forward(ps, h, false), false).reshape(rows, t, 2, w);
        return head.forward(ps, h.get(":, :, " + slot), false).toFloatArray();                 // (R, T, V)
    }

    private static <T extends Block> T part(Block parent, String name, Class<T> type) {
        Block b = parent.getChildren().get(name);
        if (!type.isInstance(b)) {
            throw new IllegalStateException("the teacher has no " + type.getSimpleName() + " named '" + name + "'");
        }
        return type.cast(b);
    }
}
