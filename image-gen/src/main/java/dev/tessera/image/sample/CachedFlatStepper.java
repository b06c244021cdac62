package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.InterTokenTransformer;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.image.nn.RmsNorm;
import dev.tessera.image.nn.TransformerLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FlatArTransformer} with KV caches, one token per call:
 *
 * <pre>
 * x = t == 0 ? E_class[c] : E[token_(t-1)];  x += P[t]          (R, 1, w)
 * C_t = trunk layers, each one step with its cache at position t
 * logits = head(norm(C_t))                                       (R, 2^K)
 * </pre>
 */
final class CachedFlatStepper implements TokenStepper {

    private final NDManager run;
    private final ParameterStore ps;
    private final int width;
    private final int vocabulary;
    private final long[] classes;
    private final EmbeddingTable classEmbedding;
    private final EmbeddingTable positionEmbedding;
    private final EmbeddingTable tokenEmbedding;
    private final List<CachedLayer> trunk = new ArrayList<>();
    private final List<KvCache> caches = new ArrayList<>();
    private final RmsNorm norm;
    private final Dense head;

    private int position;
    private long[] previous;

    CachedFlatStepper(FlatArTransformer model, NDManager run, long[] classes) {
        ArTrunkConfig c = model.trunkConfig();
        this.run = run;
        this.ps = new ParameterStore(run, false);
        this.width = c.width();
        this.vocabulary = 1 << model.bits();
        this.classes = classes.clone();
        InterTokenTransformer t = ModelParts.child(model, "trunk", InterTokenTransformer.class);
        this.classEmbedding = ModelParts.child(t, "classEmbedding", EmbeddingTable.class);
        this.positionEmbedding = ModelParts.child(t, "positionEmbedding", EmbeddingTable.class);
        for (int i = 0; i < c.layers(); i++) {
            CachedLayer layer = new CachedLayer(ModelParts.child(t, "layer" + i, TransformerLayer.class), width, c.heads());
            trunk.add(layer);
            caches.add(new KvCache(run, classes.length, c.heads(), c.tokens(), layer.headDim()));
        }
        this.tokenEmbedding = ModelParts.child(model, "tokenEmbedding", EmbeddingTable.class);
        this.norm = ModelParts.child(model, "norm", RmsNorm.class);
        this.head = ModelParts.child(model, "head", Dense.class);
    }

    @Override
    public int[] subTokenSizes() {
        return new int[] {vocabulary};
    }

    @Override
    public float[] nextLogits() {
        try (NDManager step = run.newSubManager()) {
            NDArray x = position == 0
                    ? classEmbedding.forward(ps, step.create(classes), false)                          // (R, w)
                    : tokenEmbedding.forward(ps, step.create(previous), false);
            x = x.add(positionEmbedding.forward(ps, step.create(new long[] {position}), false))
                    .reshape(classes.length, 1, width);                                               // (R, 1, w)
            for (int i = 0; i < trunk.size(); i++) {
                x = trunk.get(i).step(ps, x, caches.get(i), position);
            }
            return head.forward(ps, norm.forward(ps, x, false), false).toFloatArray();               // (R, 1, 2^K)
        }
    }

    @Override
    public void append(long[] values) {
        previous = values.clone();
        position++;
    }

    @Override
    public long token(long[] subTokens) {
        return subTokens[0];
    }
}
