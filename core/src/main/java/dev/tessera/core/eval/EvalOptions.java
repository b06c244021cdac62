package dev.tessera.core.eval;

import java.nio.file.Path;
import java.util.Map;

/**
 * Settings every {@link EvalSuite} receives.
 *
 * @param data folder of the held-out data, or null for the suite's default
 * @param models folder with one sub-folder per installed model (as {@code tessera serve --models})
 * @param quick fewer items, for a smoke test; figures are then only indicative
 * @param params suite-specific {@code key=value} settings from {@code --param}
 */
public record EvalOptions(Path data, Path models, boolean quick, Map<String, String> params) {

    public EvalOptions {
        params = Map.copyOf(params);
    }

    public String param(String key, String fallback) {
        return params.getOrDefault(key, fallback);
    }

    /** An integer setting; a value that is not one is a usage error naming the key. */
    public int intParam(String key, int fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--param " + key + " must be a whole number, got '" + v + "'");
        }
    }

    /** A decimal setting; a value that is not one is a usage error naming the key. */
    public double doubleParam(String key, double fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--param " + key + " must be a number, got '" + v + "'");
        }
    }
}
