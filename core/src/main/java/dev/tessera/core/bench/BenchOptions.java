package dev.tessera.core.bench;

import java.util.Map;

/**
 * Settings shared by every suite.
 *
 * @param quick fewer repetitions, for smoke tests; figures are then only indicative
 * @param params suite-specific {@code key=value} settings from {@code --param}
 */
public record BenchOptions(boolean quick, Map<String, String> params) {

    public BenchOptions {
        params = Map.copyOf(params);
    }

    public int intParam(String key, int fallback) {
        String v = params.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }
}
