package dev.tessera.image.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayersTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void groupNormNormalizesEachGroupOverChannelsAndPixelsThenAppliesPerChannelAffine() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = new GroupNorm(2, 4, true, 1e-6f);
            norm.initialize(m);
            norm.getParameters().get("gamma").getArray().set(new float[] {1f, 2f, 3f, 4f});
            norm.getParameters().get("beta").getArray().set(new float[] {0f, 0.5f, -1f, 0f});
            float[] v = new float[2 * 4 * 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(1.7 * i) * (1 + i % 5);
            }
            NDArray x = m.create(v, new Shape(2, 4, 1, 3));
            float[] y = norm.forward(new ParameterStore(m, false), x, false).toFloatArray();
            float[] gamma = {1f, 2f, 3f, 4f};
            float[] beta = {0f, 0.5f, -1f, 0f};
            for (int b = 0; b < 2; b++) {
                for (int g = 0; g < 2; g++) {
                    int start = b * 12 + g * 6; // two channels of three pixels
                    double mean = 0;
                    double var = 0;
                    for (int i = 0; i < 6; i++) {
                        mean += v[start + i] / 6.0;
                    }
                    for (int i = 0; i < 6; i++) {
                        var += (v[start + i] - mean) * (v[start + i] - mean) / 6.0;
                    }
                    for (int i = 0; i < 6; i++) {
                        int c = g * 2 + i / 3;
                        double expected = (v[start + i] - mean) / Math.sqrt(var + 1e-6) * gamma[c] + beta[c];
                        assertEquals(expected, y[start + i], 1e-4);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4, true, 1e-6f));
        }
    }

    @Test
    void rmsNormScalesByTheRootMeanSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            RmsNorm norm = new RmsNorm(4, 0f);
            norm.initialize(m);
            NDArray y = norm.forward(new ParameterStore(m, false), m.create(new float[] {1, -1, 3, 3}, new Shape(1, 4)), false);
            assertArrayEquals(new float[] {0.4472136f, -0.4472136f, 1.3416408f, 1.3416408f}, y.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void convolutionsKeepOrHalveTheGridAndDenseLayersCountTheirParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv same = new Conv(3, 5, 3, 1, false);
            Conv down = new Conv(3, 5, 3, 2, true);
            same.initialize(m);
            down.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.ones(new Shape(2, 3, 8, 8));
            assertEquals(new Shape(2, 5, 8, 8), same.forward(ps, x, false).getShape());
            assertEquals(new Shape(2, 5, 4, 4), down.forward(ps, x, false).getShape());
            assertEquals(3 * 5 * 9, same.parameterCount());
            assertEquals(3 * 5 * 9 + 5, down.parameterCount());
            assertEquals(4 * 256 * 256, new CausalSelfAttention(256, 8, 0.02f).parameterCount());
            assertEquals(3 * 256 * 768, new SwiGlu(256, SwiGlu.hiddenSize(256, 256), 0f, 0.02f).parameterCount());
            assertEquals(768, SwiGlu.hiddenSize(256, 256));
        }
    }
}
