package dev.tessera.image.ar;

import io.vertx.core.json.JsonObject;

/**
 * The flat softmax baseline (specs/image.md 2.3): the same trunk, a {@code 2^K x w} token table and one
 * {@code Linear(w -> 2^K)} head. At K = 18 its table and head alone are 134M parameters: infeasible here,
 * so it is the baseline for K <= 16.
 *
 * @param bits K (14)
 * @param trunk the inter-token transformer
 */
public record FlatArConfig(int bits, ArTrunkConfig trunk) {

    public static final int MAX_BITS = 16;

    public FlatArConfig {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("the flat head supports 1.." + MAX_BITS + " bits (a 2^K softmax), got " + bits
                    + "; use the factorized model for larger codebooks");
        }
    }

    public static FlatArConfig defaults(int bits) {
        return new FlatArConfig(bits, ArTrunkConfig.defaults());
    }

    /** The default: K = 14. */
    public static FlatArConfig defaults() {
        return defaults(14);
    }

    public JsonObject toJson() {
        return new JsonObject().put("model", "flat").put("bits", bits).put("trunk", trunk.toJson());
    }

    public static FlatArConfig fromJson(JsonObject json) {
        return new FlatArConfig(json.getInteger("bits", 14),
                ArTrunkConfig.fromJson(json.getJsonObject("trunk", new JsonObject())));
    }
}
