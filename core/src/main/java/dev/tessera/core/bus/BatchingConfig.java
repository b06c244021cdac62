package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * How a model verticle queues and batches (serving spec 6). Read from the deployment's JSON config; keys
 * that are absent keep the model's own defaults.
 *
 * @param maxBatch most requests in one forward pass (1 = no batching)
 * @param maxDelayMs 0 = greedy (a free lane takes what waits now); more = a batch waits until it is full
 *     or its oldest request has waited this long
 * @param maxQueue most requests waiting; one more is answered {@code busy} at once
 * @param lanes batches that may run at once (one per predictor / forward thread); 1 on CPU
 */
public record BatchingConfig(int maxBatch, int maxDelayMs, int maxQueue, int lanes) {

    public static final BatchingConfig DEFAULT = new BatchingConfig(1, 0, 32, 1);

    public BatchingConfig {
        check("maxBatch", maxBatch, 1, 1024);
        check("maxDelayMs", maxDelayMs, 0, 60_000);
        check("maxQueue", maxQueue, 1, 100_000);
        check("lanes", lanes, 1, 64);
    }

    /** Reads {@code maxBatch}, {@code maxDelayMs}, {@code maxQueue} and {@code lanes}, else {@link #DEFAULT}. */
    public static BatchingConfig fromJson(JsonObject config) {
        return fromJson(config, DEFAULT);
    }

    /** Reads the four keys from {@code config}; an absent key keeps the value of {@code defaults}. */
    public static BatchingConfig fromJson(JsonObject config, BatchingConfig defaults) {
        if (config == null) {
            return defaults;
        }
        return new BatchingConfig(
                readInt(config, "maxBatch", defaults.maxBatch),
                readInt(config, "maxDelayMs", defaults.maxDelayMs),
                readInt(config, "maxQueue", defaults.maxQueue),
                readInt(config, "lanes", defaults.lanes));
    }

    public JsonObject toJson() {
        return new JsonObject().put("maxBatch", maxBatch).put("maxDelayMs", maxDelayMs).put("maxQueue", maxQueue)
                .put("lanes", lanes);
    }

    private static int readInt(JsonObject config, String key, int fallback) {
        Object v = config.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == n.intValue()) {
            return n.intValue();
        }
        throw new IllegalArgumentException("model config '" + key + "' must be an integer, got " + v);
    }

    private static void check(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("model config '" + key + "' must be in " + min + ".." + max
                    + ", got " + v);
        }
    }
}
