package dev.tessera.image.sample;

/**
 * How one sub-token is drawn (specs/image.md 3): classifier-free guidance, then temperature, then top-k,
 * then top-p, then a draw from the softmax.
 *
 * @param cfgScale s: logits = l_u + s (l_c - l_u); 1 = the conditional distribution (no guidance), 0 =
 *     the unconditional one
 * @param temperature T &gt; 0: logits are divided by it; below 1 sharpens, above 1 flattens. For greedy
 *     decoding use {@code topK = 1}
 * @param topK keep the k most probable values (0 = off); ties at the boundary go to the lower index
 * @param topP keep the smallest set of most probable values whose mass reaches p (1 = off); always at
 *     least one
 */
public record SubTokenSampling(double cfgScale, double temperature, int topK, double topP) {

    /** Largest guidance scale accepted; published curves stop at 4, LlamaGen's demo at 4. */
    public static final double MAX_CFG_SCALE = 20;
    /** Largest temperature accepted; above this the draw is practically uniform. */
    public static final double MAX_TEMPERATURE = 10;

    /** Plain ancestral sampling: no guidance, temperature 1, no filters (the evaluation setting). */
    public static final SubTokenSampling PLAIN = new SubTokenSampling(1, 1, 0, 1);

    public SubTokenSampling {
        requireCfgScale(cfgScale);
        requireTemperature(temperature);
        requireTopK(topK);
        requireTopP(topP);
    }

    /** Whether this sub-token needs the unconditional logits. */
    public boolean guided() {
        return cfgScale != 1;
    }

    public SubTokenSampling withCfgScale(double s) {
        return new SubTokenSampling(s, temperature, topK, topP);
    }

    public static void requireCfgScale(double s) {
        if (!(s >= 0 && s <= MAX_CFG_SCALE)) {
            throw new IllegalArgumentException("cfgScale must be in [0, " + (int) MAX_CFG_SCALE
                    + "] (1 = no guidance), got " + s);
        }
    }

    public static void requireTemperature(double t) {
        if (!(t > 0 && t <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature must be in (0, " + (int) MAX_TEMPERATURE
                    + "] (use topK 1 for greedy decoding), got " + t);
        }
    }

    public static void requireTopK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + k);
        }
    }

    public static void requireTopP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + p);
        }
    }
}
