package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.tessera.image.nn.CausalSelfAttention;
import dev.tessera.image.nn.Dense;
import dev.tessera.image.nn.RmsNorm;
import dev.tessera.image.nn.SwiGlu;
import dev.tessera.image.nn.TransformerLayer;

/**
 * One {@link TransformerLayer} run one position at a time with a {@link KvCache}: the same parameters and
 * the same arithmetic as the layer's full forward pass, where the causal mask becomes "attend to the
 * positions cached so far".
 *
 * <pre>
 * x (R, 1, w) at position p
 * q, k, v = split(qkv(attentionNorm(x)))      each (R, heads, 1, d); k, v stored at p
 * a = softmax(q K[0..p]^T / sqrt(d)) V[0..p]   (R, heads, 1, d) -> (R, 1, w)
 * h = x + out(a);  y = h + ffn(ffnNorm(h))
 * </pre>
 */
final class CachedLayer {

    private final RmsNorm attentionNorm;
    private final Dense qkv;
    private final Dense out;
    private final RmsNorm ffnNorm;
    private final SwiGlu ffn;
    private final int width;
    private final int heads;

    CachedLayer(TransformerLayer layer, int width, int heads) {
        this.attentionNorm = ModelParts.child(layer, "attentionNorm", RmsNorm.class);
        CausalSelfAttention attention = ModelParts.child(layer, "attention", CausalSelfAttention.class);
        this.qkv = ModelParts.child(attention, "qkv", Dense.class);
        this.out = ModelParts.child(attention, "out", Dense.class);
        this.ffnNorm = ModelParts.child(layer, "ffnNorm", RmsNorm.class);
        this.ffn = ModelParts.child(layer, "ffn", SwiGlu.class);
        this.width = width;
        this.heads = heads;
    }

    int headDim() {
        return width / heads;
    }

    /** {@code x (R, 1, w)} at {@code position} {@code -> (R, 1, w)}; writes its keys and values to {@code cache}. */
    NDArray step(ParameterStore ps, NDArray x, KvCache cache, int position) {
        long r = x.getShape().get(0);
        int d = headDim();
        NDArray proj = qkv.forward(ps, attentionNorm.forward(ps, x, false), false) // (R, 1, 3w)
                .reshape(r, 1, 3, heads, d).transpose(2, 0, 3, 1, 4);             // (3, R, heads, 1, d)
        NDArray q = proj.get(0);
        cache.write(position, proj.get(1), proj.get(2));
        NDArray keys = cache.keys(x.getManager(), position + 1);                  // (R, heads, p+1, d)
        NDArray values = cache.values(x.getManager(), position + 1);
        NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(d)); // (R, heads, 1, p+1)
        NDArray a = scores.softmax(-1).matMul(values)                             // (R, heads, 1, d)
                .transpose(0, 2, 1, 3).reshape(r, 1, width);                      // (R, 1, w)
        NDArray h = x.add(out.forward(ps, a, false));
        return h.add(ffn.forward(ps, ffnNorm.forward(ps, h, false), false));
    }
}
