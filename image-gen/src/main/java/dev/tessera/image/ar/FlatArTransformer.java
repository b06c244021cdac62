package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.nn.RmsNorm;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flat softmax baseline (specs/image.md 2.3): the factorized model's trunk with one 2^K-way head.
 *
 * <pre>
 * e_t = E[token_t]                           (B, T, w), a 2^K x w table
 * C = trunk([class, e_1 .. e_(T-1)])         (B, T, w)
 * logits = Linear(w -> 2^K)(RMSNorm(C))      (B, T, 2^K); loss = CE
 * </pre>
 *
 * <p>The head starts at zero: the initial loss is exactly {@code K ln 2} nats per token, as for the
 * factorized model.
 */
public final class FlatArTransformer extends FixedShapeBlock implements ImageTokenModel {

    private final FlatArConfig config;
    private final EmbeddingTable tokenEmbedding;
    private final InterTokenTransformer trunk;
    private final RmsNorm norm;
    private final Dense head;

    public FlatArTransformer(FlatArConfig config) {
        this.config = config;
        ArTrunkConfig t = config.trunk();
        this.tokenEmbedding = child("tokenEmbedding", new EmbeddingTable(1 << config.bits(), t.width(), t.initStd()));
        this.trunk = child("trunk", new InterTokenTransformer(t));
        this.norm = child("norm", new RmsNorm(t.width(), t.normEps()));
        this.head = child("head", Dense.zeros(t.width(), 1 << config.bits(), false));
    }

    public FlatArConfig config() {
        return config;
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

    /** Teacher-forced logits: {@code tokens (B, T)}, {@code classes (B)} int64 {@code -> (B, T, 2^K)}. */
    public NDArray logits(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        TokenInputs.check(tokens, classes, bits(), config.trunk());
        NDArray e = tokenEmbedding.forward(ps, tokens, training);           // (B, T, w)
        NDArray c = trunk.forward(ps, classes, e.get(":, :-1"), training);  // (B, T, w)
        return head.forward(ps, norm.forward(ps, c, training), training);   // (B, T, 2^K)
    }

    @Override
    public NDArray tokenNll(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        return TokenInputs.crossEntropy(logits(ps, tokens, classes, training), tokens);
    }

    /** {@code loss = ce}, the mean over positions in nats. */
    @Override
    public Map<String, NDArray> loss(ParameterStore ps, NDArray tokens, NDArray classes, boolean training) {
        NDArray ce = tokenNll(ps, tokens, classes, training).mean();
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("loss", ce);
        out.put("ce", ce);
        return out;
    }

    /** DJL entry point: {@code [tokens, classes]} to {@code [loss, ce]}. */
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
