package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
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

/**
 * {@link FactorizedArTransformer} with KV caches (specs/image.md 3), one sub-token per call:
 *
 * <pre>
 * token t, pre:  x = t == 0 ? E_class[c] : E_pre[pre_(t-1)] + E_post[post_(t-1)];  x += P[t]   (R, 1, w)
 *                C_t = trunk layers, each one step with its cache at position t
 *                intra slot 0 (cache reset): h = intra(C_t); pre logits = preHead(norm(h))   (R, 2^pre)
 * token t, post: intra slot 1: h = intra(E_pre[pre_t]); post logits = postHead(norm(h))     (R, 2^post)
 * </pre>
 *
 * The inter-token caches hold {@code tokens} positions, the intra-token ones 2, reused for every token.
 */
final class CachedFactorizedStepper implements TokenStepper {

    private final NDManager run;
    private final ParameterStore ps;
    private final SubTokenSplit split;
    private final int width;
    private final long[] classes;
    private final EmbeddingTable classEmbedding;
    private final EmbeddingTable positionEmbedding;
    private final EmbeddingTable preEmbedding;
    private final EmbeddingTable postEmbedding;
    private final List<CachedLayer> trunk = new ArrayList<>();
    private final List<CachedLayer> intra = new ArrayList<>();
    private final List<KvCache> trunkCaches = new ArrayList<>();
    private final List<KvCache> intraCaches = new ArrayList<>();
    private final RmsNorm norm;
    private final Dense preHead;
    private final Dense postHead;

    private int position;
    private int subToken;
    private long[] pre;
    private long[] previousPre;
    private long[] previousPost;

    /**
     * @param run the run's manager: caches live there; each step's intermediates in a sub-manager
     * @param classes {@code R} class ids in {@code [0, numClasses]}
     */
    CachedFactorizedStepper(FactorizedArTransformer model, NDManager run, long[] classes) {
        ArTrunkConfig c = model.trunkConfig();
        this.run = run;
        this.ps = new ParameterStore(run, false);
        this.split = model.split();
        this.width = c.width();
        this.classes = classes.clone();
        InterTokenTransformer t = ModelParts.child(model, "trunk", InterTokenTransformer.class);
        this.classEmbedding = ModelParts.child(t, "classEmbedding", EmbeddingTable.class);
        this.positionEmbedding = ModelParts.child(t, "positionEmbedding", EmbeddingTable.class);
        for (int i = 0; i < c.layers(); i++) {
            CachedLayer layer = new CachedLayer(ModelParts.child(t, "layer" + i, TransformerLayer.class), width, c.heads());
            trunk.add(layer);
            trunkCaches.add(new KvCache(run, classes.length, c.heads(), c.tokens(), layer.headDim()));
        }
        for (int i = 0; i < model.config().intraLayers(); i++) {
            CachedLayer layer = new CachedLayer(ModelParts.child(model, "intra" + i, TransformerLayer.class), width,
                    c.heads());
            intra.add(layer);
            intraCaches.add(new KvCache(run, classes.length, c.heads(), 2, layer.headDim()));
        }
        this.preEmbedding = ModelParts.child(model, "preEmbedding", EmbeddingTable.class);
        this.postEmbedding = ModelParts.child(model, "postEmbedding", EmbeddingTable.class);
        this.norm = ModelParts.child(model, "norm", RmsNorm.class);
        this.preHead = ModelParts.child(model, "preHead", Dense.class);
        this.postHead = ModelParts.child(model, "postHead", Dense.class);
    }

    @Override
    public int[] subTokenSizes() {
        return new int[] {split.preSize(), split.postSize()};
    }

    @Override
    public float[] nextLogits() {
        int r = classes.length;
        try (NDManager step = run.newSubManager()) {
            NDArray h;
            Dense head;
            if (subToken == 0) {
                NDArray x = position == 0
                        ? classEmbedding.forward(ps, step.create(classes), false)                       // (R, w)
                        : preEmbedding.forward(ps, step.create(previousPre), false)
                                .add(postEmbedding.forward(ps, step.create(previousPost), false));
                x = x.add(positionEmbedding.forward(ps, step.create(new long[] {position}), false))
                        .reshape(r, 1, width);                                                        // (R, 1, w)
                for (int i = 0; i < trunk.size(); i++) {
                    x = trunk.get(i).step(ps, x, trunkCaches.get(i), position);
                }
                h = x;                                                                                // C_t
                head = preHead;
            } else {
                h = preEmbedding.forward(ps, step.create(pre), false).reshape(r, 1, width);          // E_pre[pre_t]
                head = postHead;
            }
            for (int i = 0; i < intra.size(); i++) {
                h = intra.get(i).step(ps, h, intraCaches.get(i), subToken);
            }
            return head.forward(ps, norm.forward(ps, h, false), false).toFloatArray();               // (R, 1, V)
        }
    }

    @Override
    public void append(long[] values) {
        if (subToken == 0) {
            pre = values.clone();
            subToken = 1;
        } else {
            previousPre = pre;
            previousPost = values.clone();
            subToken = 0;
            position++;
        }
    }

    @Override
    public long token(long[] subTokens) {
        return split.merge(subTokens[0], subTokens[1]);
    }
}
