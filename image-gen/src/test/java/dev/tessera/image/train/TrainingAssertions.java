package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.core.train.TrainableParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/** Comparisons of weight sets by name, for the resume tests. */
final class TrainingAssertions {

    private TrainingAssertions() {
    }

    /** The current weights by name, on the host. */
    static Map<String, float[]> weights(TrainableParameters params) {
        try (NDManager m = NDManager.newBaseManager()) {
            return floats(params.copies(m));
        }
    }

    static Map<String, float[]> floats(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Largest absolute difference over every weight; infinite when the names differ. */
    static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            float[] x = e.getValue();
            float[] y = b.get(e.getKey());
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        return worst;
    }
}
