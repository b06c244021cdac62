package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.nn.RmsNorm;
import dev.tessera.image.nn.TransformerLayer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-sub-token prediction with asymmetric token factorization (Open-MAGVIT2; specs/image.md 2.2). The
 * forward pass, top to bottom:
 *
 * <pre>
 * tokens (B, T) -> pre (low bits), post (high bits)          SubTokenSplit
 * e_t = E_pre[pre_t] + E_post[post_t]                         (B, T, w)
 * C = trunk([class, e_1 .. e_(T-1)])                          (B, T, w), causal; C_t sees tokens before t
 * intra: per position, the length-2 sequence [C_t, E_pre[pre_t]] through a causal transformer
 *        (B*T, 2, w), E_pre shared with the input embedding
 * RMSNorm; slot 0 -> Linear(w -> 2^pre) = pre logits; slot 1 -> Linear(w -> 2^post) = post logits,
 *        the post head seeing the teacher-forced pre (in sampling: the sampled pre)
 * loss = CE_pre + CE_post = -log p(pre | ...) - log p(post | pre, ...) = -log p(token | ...)
 * </pre>
 *
 * <p>Heads start at zero, so the initial loss is exactly {@code K ln 2} nats (K bits) per token.
 */
public final class FactorizedArTransformer extends FixedShapeBlock implements ImageTokenModel {

    private final FactorizedArConfig config;
    private final SubTokenSplit split;
    private final EmbeddingTable preEmbedding;
    private final EmbeddingTable postEmbedding;
    private final InterTokenTransformer trunk;
    private final List<TransformerLayer> intra = new ArrayList<>();
    private final RmsNorm norm;
    private final Dense preHead;
    private final Dense postHead;

    public FactorizedArTransformer(FactorizedArConfig config) {
        this.config = config;
        this.split = config.split();
        ArTrunkConfig t = config.trunk();
        this.preEmbedding = child("preEmbedding", new EmbeddingTable(split.preSize(), t.width(), t.initStd()));
        this.postEmbedding = child("postEmbedding", new EmbeddingTable(split.postSize(), t.width(), t.initStd()));
        this.trunk = child("trunk", new InterTokenTransformer(t));
        for (int i = 0; i < config.intraLayers(); i++) {
            intra.add(child("intra" + i, new TransformerLayer(t.width(), t.heads(), t.ffnHidden(), t.dropout(),
                    t.initStd(), t.normEps())));
        }
        this.norm = child("norm", new RmsNorm(t.width(), t.normEps()));
        this.preHead = child("preHead", Dense.zeros(t.width(), split.preSize(), false));
        this.postHead = child("postHead", Dense.zeros(t.width(), split.postSize(), false));
    }

    public FactorizedArConfig config() {
        return config;
    }

    public SubTokenSplit split() {
        return split;
    }

    @Override
    public int bits() {
        return config.bits();
    }

    @Override
    public ArTrunkConfig trunkConfig() {
        return config.trunk();
    }

    @Override
    public JsonObject configJson() {
        return config.toJson();
    }

    /**
     * Teacher-forced logits of both sub-tokens at every position.
     *
     * @param pre {@code (B, T, 2^preBits)}
     * @param post {@code (B, T, 2^postBits)}, given the true pre sub-token of the same position
     */
    public record Logits(NDArray pre, NDArray post) {
    }

    /** Logits for {@code tokens (B, T)} int64 and {@code classes (B)} int64; see the class comment. */
    public Logits logits(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        TokenInputs.check(tokens, classes, bits(), config.trunk());
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        int w = config.trunk().width();
        NDArray ePre = preEmbedding.forward(ps, split.pre(tokens), training);                  // (B, T, w)
        NDArray e = ePre.add(postEmbedding.forward(ps, split.post(tokens), training));        // (B, T, w)
        NDArray c = trunk.forward(ps, classes, e.get(":, :-1"), training);                    // (B, T, w)
        NDArray h = NDArrays.stack(new NDList(c, ePre), 2).reshape(b * t, 2, w);              // (B*T, 2, w)
        for (TransformerLayer layer : intra) {
            h = layer.forward(ps, h, training);
        }
        h = norm.forward(ps, h, training).reshape(b, t, 2, w);
        return new Logits(preHead.forward(ps, h.get(":, :, 0"), training),                   // (B, T, 2^pre)
                postHead.forward(ps, h.get(":, :, 1"), training));                            // (B, T, 2^post)
    }

    @Override
    public NDArray tokenNll(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        Logits l = logits(ps, tokens, classes, training);
        return TokenInputs.crossEntropy(l.pre(), split.pre(tokens))
                .add(TokenInputs.crossEntropy(l.post(), split.post(tokens)));
    }

    /** {@code loss = cePre + cePost}, each the mean over positions in nats. */
    @Override
    public Map<String, NDArray> loss(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        Logits l = logits(ps, tokens, classes, training);
        NDArray cePre = TokenInputs.crossEntropy(l.pre(), split.pre(tokens)).mean();
        NDArray cePost = TokenInputs.crossEntropy(l.post(), split.post(tokens)).mean();
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("loss", cePre.add(cePost));
        out.put("cePre", cePre);
        out.put("cePost", cePost);
        return out;
    }

    /** DJL entry point: {@code [tokens, classes]} to {@code [loss, cePre, cePost]}. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList();
        loss(ps, inputs.get(0), inputs.get(1), training).forEach((name, v) -> {
            v.setName(name);
            out.add(v);
        });
        return out;
    }
}
