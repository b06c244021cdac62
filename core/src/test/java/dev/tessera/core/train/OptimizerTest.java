package dev.tessera.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.tessera.core.engine.Engines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AdamW, clipping and EMA against their formulas, on a Linear(2) block: weight (2, 2), bias (2). */
class OptimizerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static Linear linear(NDManager m, float[] weight, float[] bias) {
        Linear block = Linear.builder().setUnits(2).build();
        block.initialize(m, DataType.FLOAT32, new Shape(1, 2));
        new TrainableParameters(block).copyFrom(Map.of(
                "weight", m.create(weight, new Shape(2, 2)), "bias", m.create(bias)));
        return block;
    }

    @Test
    void adamWTwoStepsEqualTheHandWrittenFormula() {
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        double wd = 0.5;
        float[] w = {1f, -2f, 0.5f, 3f};
        float[] b = {0.25f, -0.75f};
        float[][] gw = {{0.1f, -0.2f, 0.3f, 0f}, {-0.4f, 0.5f, 0.05f, 1f}};
        float[][] gb = {{1f, -1f}, {0.5f, 2f}};
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(linear(m, w, b));
            assertEquals(List.of("weight", "bias"), params.trainable().stream().map(TrainableParameters.Entry::name).toList());
            try (AdamW adamW = new AdamW(m, params, b1, b2, eps, wd)) {
                for (int t = 0; t < 2; t++) {
                    try (NDManager step = m.newSubManager()) {
                        adamW.step(List.of(step.create(gw[t], new Shape(2, 2)), step.create(gb[t])), lr, step);
                    }
                }
                assertEquals(2, adamW.updates());
                assertArrayEquals(reference(w, gw, lr, b1, b2, eps, wd),
                        params.get("weight").array().toFloatArray(), 1e-6f);
                // Biases are not decayed (rank 1).
                assertArrayEquals(reference(b, gb, lr, b1, b2, eps, 0),
                        params.get("bias").array().toFloatArray(), 1e-6f);
            }
        }
    }

    /** torch.optim.AdamW written out in doubles, one element at a time. */
    private static float[] reference(float[] w0, float[][] grads, double lr, double b1, double b2, double eps,
                                     double wd) {
        float[] out = new float[w0.length];
        for (int i = 0; i < w0.length; i++) {
            double w = w0[i];
            double m = 0;
            double v = 0;
            for (int t = 1; t <= grads.length; t++) {
                double g = grads[t - 1][i];
                w *= 1 - lr * wd;
                m = b1 * m + (1 - b1) * g;
                v = b2 * v + (1 - b2) * g * g;
                double mHat = m / (1 - Math.pow(b1, t));
                double vHat = v / (1 - Math.pow(b2, t));
                w -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            out[i] = (float) w;
        }
        return out;
    }

    @Test
    void adamWStateRestoresExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(linear(m, new float[] {1, 2, 3, 4}, new float[] {0, 0}));
            try (AdamW first = new AdamW(m, params, 0.9, 0.999, 1e-8, 0.1);
                 AdamW second = new AdamW(m, params, 0.9, 0.999, 1e-8, 0.1);
                 NDManager step = m.newSubManager()) {
                first.step(List.of(step.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)), step.create(new float[] {5, 6})),
                        0.01, step);
                second.load(first.state(), first.updates());
                assertEquals(1, second.updates());
                assertArrayEquals(first.state().get("v.weight").toFloatArray(),
                        second.state().get("v.weight").toFloatArray(), 0f);
                assertArrayEquals(new float[] {0.5f, 0.6f}, second.state().get("m.bias").toFloatArray(), 1e-7f);
            }
        }
    }

    @Test
    void clippingBringsTheGlobalNormToTheLimitAndReportsTheNormBefore() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3, 4});
            NDArray b = m.create(new float[] {12}); // global norm sqrt(9 + 16 + 144) = 13
            assertEquals(13.0, GradientClipping.clipByGlobalNorm(List.of(a, b), 1.0), 1e-6);
            assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-5);
            assertArrayEquals(new float[] {3 / 13f, 4 / 13f}, a.toFloatArray(), 1e-6f);
            // Below the limit nothing changes.
            assertEquals(1.0, GradientClipping.clipByGlobalNorm(List.of(a, b), 2.0), 1e-5);
            assertArrayEquals(new float[] {12 / 13f}, b.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void emaMovesEachShadowByOneMinusDecayTowardsTheWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(linear(m, new float[] {1, 2, 3, 4}, new float[] {10, 20}));
            try (Ema ema = new Ema(m, params, 0.9)) {
                params.copyFrom(Map.of("weight", m.create(new float[] {2, 2, 2, 2}, new Shape(2, 2)),
                        "bias", m.create(new float[] {0, 0})));
                for (int i = 0; i < 2; i++) {
                    try (NDManager step = m.newSubManager()) {
                        ema.update(step);
                    }
                }
                // Two updates towards constant weights: shadow = 0.81 * w0 + 0.19 * w.
                assertArrayEquals(new float[] {0.81f + 0.38f, 1.62f + 0.38f, 2.43f + 0.38f, 3.24f + 0.38f},
                        ema.weights().get("weight").toFloatArray(), 1e-6f);
                assertArrayEquals(new float[] {8.1f, 16.2f}, ema.weights().get("bias").toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void copyFromOverwritesNonFiniteWeightsAndZeroingClearsNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(
                    linear(m, new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 2}, new float[] {0, 0}));
            assertArrayEquals(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 2},
                    params.get("weight").array().toFloatArray(), 0f);
            params.copyFrom(Map.of("weight", m.create(new float[] {5, 6, 7, 8}, new Shape(2, 2)),
                    "bias", m.create(new float[] {1, 1})));
            assertArrayEquals(new float[] {5, 6, 7, 8}, params.get("weight").array().toFloatArray(), 0f);
            try (NDManager step = m.newSubManager()) {
                NDArray nan = step.create(new float[] {Float.NaN, Float.NEGATIVE_INFINITY});
                TrainableParameters.zero(List.of(nan));
                assertArrayEquals(new float[] {0, 0}, nan.toFloatArray(), 0f);
            }
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> params.copyFrom(Map.of("weight", m.create(new float[] {1, 2}))));
            assertTrue(e.getMessage().contains("weight has shape (2), the block expects (2, 2)"), e.getMessage());
            assertTrue(e.getMessage().contains("missing bias"), e.getMessage());
        }
    }
}
