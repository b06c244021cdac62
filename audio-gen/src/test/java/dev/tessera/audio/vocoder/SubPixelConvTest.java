package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec 2.4: sub-pixel up-sampling, y[c][sq + r] = z[r C_out + c][q], ICNR-initialised. */
class SubPixelConvTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static PeriodWave.SubPixelConv layer(NDManager m, int in, int out, int factor) {
        Seeds.seedAll(9);
        PeriodWave.SubPixelConv up = new PeriodWave.SubPixelConv("test.up", in, out, factor);
        up.initialize(m, DataType.FLOAT32, new Shape(1, in, 1));
        return up;
    }

    @Test
    void upsamplesByTheFactorAndShufflesPhasesIntoTime() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave.SubPixelConv up = layer(m, 6, 3, 4);
            NDArray x = m.randomNormal(new Shape(2, 6, 10));
            NDArray y = up.forward(x, null);
            assertEquals(new Shape(2, 3, 40), y.getShape());
            NDArray z = up.conv.forward(x, null);                                                   // (2, 12, 10)
            float[] yy = y.toFloatArray();
            float[] zz = z.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 3; c++) {
                    for (int q = 0; q < 10; q++) {
                        for (int r = 0; r < 4; r++) {
                            assertEquals(zz[(b * 12 + r * 3 + c) * 10 + q], yy[(b * 3 + c) * 40 + q * 4 + r], 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void icnrInitialisationStartsAsNearestNeighbourUpsampling() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave.SubPixelConv up = layer(m, 8, 4, 4);
            float[] y = up.forward(m.randomNormal(new Shape(1, 8, 16)), null).toFloatArray();      // (1, 4, 64)
            double spread = 0;
            for (int i = 0; i < y.length; i += 4) {
                for (int r = 1; r < 4; r++) {
                    spread = Math.max(spread, Math.abs(y[i + r] - y[i]));
                }
            }
            assertEquals(0, spread, 1e-6);
            assertTrue(up.forward(m.randomNormal(new Shape(1, 8, 16)), null).abs().max().getFloat() > 0.01);
        }
    }
}
