package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A pre-norm causal transformer layer: {@code h = x + drop(attn(norm(x)))}, {@code y = h + ffn(norm(h))}
 * with RMSNorm, {@link CausalSelfAttention} and {@link SwiGlu} (whose output carries its own dropout).
 */
public final class TransformerLayer extends FixedShapeBlock {

    private final RmsNorm attentionNorm;
    private final CausalSelfAttention attention;
    private final RmsNorm ffnNorm;
    private final SwiGlu ffn;
    private final float dropout;

    public TransformerLayer(int width, int heads, int hidden, float dropout, float initStd, float normEps) {
        this.attentionNorm = child("attentionNorm", new RmsNorm(width, normEps));
        this.attention = child("attention", new CausalSelfAttention(width, heads, initStd));
        this.ffnNorm = child("ffnNorm", new RmsNorm(width, normEps));
        this.ffn = child("ffn", new SwiGlu(width, hidden, dropout, initStd));
        this.dropout = dropout;
    }

    /** {@code (B, T, w) -> (B, T, w)}, causal over T. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = x.add(dropout(attention.forward(ps, attentionNorm.forward(ps, x, training), training), dropout,
                training));
        return h.add(ffn.forward(ps, ffnNorm.forward(ps, h, training), training));
    }
}
