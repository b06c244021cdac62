package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec 2.2: a (k, 1) branch conv on the (T/p) x p grid is a 1-D conv with taps d*p samples apart. */
class PeriodFoldingTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void foldPutsPolyphaseColumnsIntoTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            int p = 3;
            float[] x = new float[2 * 12];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            NDArray folded = PeriodWave.fold(m.create(x, new Shape(2, 1, 12)), p);                // (6, 1, 4)
            assertEquals(new Shape(6, 1, 4), folded.getShape());
            // item b*p + j holds x[b][mp + j]
            assertArrayEquals(new float[] {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, 12, 15, 18, 21, 13, 16, 19, 22, 14, 17,
                20, 23}, folded.toFloatArray());
            assertArrayEquals(x, PeriodWave.unfold(folded, p).toFloatArray());
        }
    }

    @Test
    void foldedConvolutionEqualsDirectDilatedConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(3);
            for (int p : new int[] {1, 2, 3, 5, 7}) {
                for (int d : new int[] {1, 3}) {
                    int t = 64 * p;
                    NDArray x = m.randomNormal(new Shape(2, 4, t));
                    NDArray w = m.randomNormal(new Shape(5, 4, 3));
                    NDArray b = m.randomNormal(new Shape(5));
                    NDArray folded = Conv1d.conv1d(PeriodWave.fold(x, p), w, b, new Shape(1), new Shape(d), new Shape(d))
                            .singletonOrThrow();
                    NDArray viaFold = PeriodWave.unfold(folded, p);                               // (2, 5, T)
                    NDArray direct = Conv1d.conv1d(x, w, b, new Shape(1), new Shape(d * p), new Shape(d * p))
                            .singletonOrThrow();
                    float diff = viaFold.sub(direct).abs().max().getFloat();
                    assertEquals(0, diff, 1e-5, "p=" + p + " d=" + d);
                }
            }
        }
    }

    @Test
    void stridedFoldedConvolutionSubsamplesEachColumn() {
        // Stride 4 in the folded domain: out_j[m] = sum_i w_i y_j[4m + i - 4], i.e. the full-rate conv with
        // taps p apart, evaluated at samples 4mp + j.
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(4);
            int p = 3;
            int t = 64 * p;
            NDArray x = m.randomNormal(new Shape(1, 2, t));
            NDArray w = m.randomNormal(new Shape(3, 2, 9));
            NDArray folded = PeriodWave.unfold(Conv1d.conv1d(PeriodWave.fold(x, p), w, null, new Shape(4), new Shape(4))
                    .singletonOrThrow(), p);                                                        // (1, 3, T/4)
            NDArray full = Conv1d.conv1d(x, w, null, new Shape(1), new Shape(4 * p), new Shape(p)).singletonOrThrow();
            float[] f = folded.toFloatArray();
            float[] g = full.toFloatArray();
            int rows = t / p / 4;
            for (int c = 0; c < 3; c++) {
                for (int mm = 0; mm < rows; mm++) {
                    for (int j = 0; j < p; j++) {
                        assertEquals(g[c * t + 4 * mm * p + j], f[c * rows * p + mm * p + j], 1e-4);
                    }
                }
            }
        }
    }
}
