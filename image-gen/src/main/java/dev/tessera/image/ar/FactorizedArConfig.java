package dev.tessera.image.ar;

import io.vertx.core.json.JsonObject;

/**
 * The factorized AR transformer (specs/image.md 2.2): each K-bit token is predicted as two sub-tokens by
 * a small intra-token transformer on top of the inter-token trunk.
 *
 * @param bits K (14)
 * @param preBits bits of the first sub-token (6; K = 14 splits 6 + 8, K = 18 splits 6 + 12)
 * @param intraLayers layers of the intra-token transformer (1)
 * @param trunk the inter-token transformer
 */
public record FactorizedArConfig(int bits, int preBits, int intraLayers, ArTrunkConfig trunk) {

    public FactorizedArConfig {
        new SubTokenSplit(preBits, bits - preBits); // validates
        if (intraLayers < 1) {
            throw new IllegalArgumentException("the intra-token transformer needs at least one layer, got " + intraLayers);
        }
    }

    /** The CPU default for K bits: the 6 + (K - 6) split, one intra layer, the default trunk. */
    public static FactorizedArConfig defaults(int bits) {
        return new FactorizedArConfig(bits, SubTokenSplit.forBits(bits).preBits(), 1, ArTrunkConfig.defaults());
    }

    /** The default: K = 14 (6 + 8). */
    public static FactorizedArConfig defaults() {
        return defaults(14);
    }

    public SubTokenSplit split() {
        return new SubTokenSplit(preBits, bits - preBits);
    }

    public JsonObject toJson() {
        return new JsonObject().put("model", "factorized").put("bits", bits).put("preBits", preBits)
                .put("intraLayers", intraLayers).put("trunk", trunk.toJson());
    }

    /** Reads a config; absent fields take the defaults for its {@code bits}. */
    public static FactorizedArConfig fromJson(JsonObject json) {
        int bits = json.getInteger("bits", 14);
        Integer pre = json.getInteger("preBits");
        return new FactorizedArConfig(bits, pre != null ? pre : SubTokenSplit.forBits(bits).preBits(),
                json.getInteger("intraLayers", 1), ArTrunkConfig.fromJson(json.getJsonObject("trunk", new JsonObject())));
    }
}
