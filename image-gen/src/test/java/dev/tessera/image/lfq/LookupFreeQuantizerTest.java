package dev.tessera.image.lfq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig.CodebookEntropy;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LookupFreeQuantizerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static LookupFreeQuantizer quantizer(int bits, float tau) {
        return new LookupFreeQuantizer(LookupFreeQuantizerConfig.defaults(bits).withTemperature(tau));
    }

    @Test
    void indexBitsRoundTripForEveryKFrom1To18() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int k = 1; k <= 18; k++) {
                int count = 1 << k;
                NDArray indices = m.arange(0, count).toType(DataType.INT64, false);
                NDArray codes = LookupFreeQuantizer.indicesToCodes(indices, k);
                assertEquals(new Shape(count, k), codes.getShape());
                assertArrayEquals(indices.toLongArray(), LookupFreeQuantizer.codesToIndices(codes).toLongArray(), "K=" + k);
                // Every value is +-1, and channel 0 is the least significant bit.
                assertEquals(count * k, codes.abs().eq(1f).countNonzero().getLong());
                float[] one = codes.get(1).toFloatArray();
                assertEquals(1f, one[0]);
                for (int i = 1; i < k; i++) {
                    assertEquals(-1f, one[i]);
                }
                float[] last = codes.get(count - 1).toFloatArray();
                for (float v : last) {
                    assertEquals(1f, v);
                }
            }
        }
    }

    @Test
    void quantizingCodesGivesTheirIndicesAndGridCodesInvertThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            LookupFreeQuantizer lfq = quantizer(14, 0.01f);
            long[] tokens = {0, 1, 16383, 12345, 8192, 42};
            NDArray grid = m.create(tokens, new Shape(1, 2, 3));
            NDArray codes = lfq.gridCodes(grid);                           // (1, 14, 2, 3)
            assertEquals(new Shape(1, 14, 2, 3), codes.getShape());
            LookupFreeQuantizer.Quantized q = lfq.quantize(codes.mul(0.3f), false);
            assertArrayEquals(tokens, q.indices().toLongArray());
            assertArrayEquals(codes.toFloatArray(), q.codes().toFloatArray(), 0f);
            assertNull(q.loss());
            assertTrue(q.terms().isEmpty());
        }
    }

    /** H(p_n) by brute force: softmax over all 2^K codes of sum_i 2 z_i c_i / tau, then -sum p log p. */
    private static NDArray bruteForceSampleEntropy(NDArray z2d, int k, float tau) {
        NDManager m = z2d.getManager();
        NDArray all = LookupFreeQuantizer.indicesToCodes(m.arange(0, 1 << k).toType(DataType.INT64, false), k); // (2^K, K)
        NDArray logits = z2d.matMul(all.transpose()).mul(2f / tau);                                         // (N, 2^K)
        NDArray logP = logits.logSoftmax(1);
        return logP.exp().mul(logP).sum(new int[] {1}).neg().mean();
    }

    /** H(mean_n p_n) by brute force over all 2^K codes, with the 1e-5 inside the log. */
    private static NDArray bruteForceCodebookEntropy(NDArray z2d, int k, float tau) {
        NDManager m = z2d.getManager();
        NDArray all = LookupFreeQuantizer.indicesToCodes(m.arange(0, 1 << k).toType(DataType.INT64, false), k);
        NDArray pbar = z2d.matMul(all.transpose()).mul(2f / tau).softmax(1).mean(new int[] {0});
        return pbar.mul(pbar.add(1e-5f).log()).sum().neg();
    }

    @Test
    void factorizedSampleEntropyEqualsBruteForceOverAllCodes() {
        int k = 6;
        float tau = 0.01f;
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(3);
            // z of order tau, so that code distributions range from flat to sharp: a = 4z/tau ~ N(0, 4^2).
            NDArray z = m.randomNormal(0f, 0.01f, new Shape(2, k, 4, 4), DataType.FLOAT32);
            LookupFreeQuantizer.Quantized q = quantizer(k, tau).quantize(z, true);
            NDArray z2d = z.transpose(0, 2, 3, 1).reshape(32, k);
            float expected = bruteForceSampleEntropy(z2d, k, tau).getFloat();
            assertEquals(expected, q.sampleEntropy().getFloat(), 1e-4f);
            assertTrue(expected > 0.5f && expected < k * Math.log(2), "entropy " + expected + " not in the informative range");
            // Sharp distributions (|a| in the hundreds) stay exact: entropy near 0, never negative or NaN.
            NDArray sharp = LookupFreeQuantizer.sampleEntropy(m.create(new float[] {400f, -800f, 1e4f, -3e3f}, new Shape(2, 2)));
            assertTrue(sharp.getFloat() >= 0f && sharp.getFloat() < 1e-30f);
        }
    }

    @Test
    void exactCodebookEntropyMatchesAutogradOnTheFullSoftmaxAtK8InValueAndGradient() {
        int k = 8;
        float tau = 0.01f;
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(5);
            float[] init = m.randomNormal(0f, 0.01f, new Shape(64, k), DataType.FLOAT32).toFloatArray();
            NDArray zRef = m.create(init, new Shape(64, k));
            NDArray zLean = m.create(init, new Shape(64, k));
            NDArray zTape = m.create(init, new Shape(64, k));
            zRef.setRequiresGradient(true);
            zLean.setRequiresGradient(true);
            zTape.setRequiresGradient(true);
            float ref;
            float lean;
            float tape;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hRef = bruteForceCodebookEntropy(zRef, k, tau);
                // Chunks of 96 codes: 256 = 2 x 96 + 64 also exercises a ragged last chunk.
                NDArray hLean = LookupFreeQuantizer.exactCodebookEntropy(zLean.mul(4f / tau), 96, true);
                NDArray hTape = LookupFreeQuantizer.exactCodebookEntropy(zTape.mul(4f / tau), 96, false);
                ref = hRef.getFloat();
                lean = hLean.getFloat();
                tape = hTape.getFloat();
                gc.backward(hRef.add(hLean).add(hTape));
            }
            assertEquals(ref, lean, 1e-4f);
            assertEquals(ref, tape, 1e-4f);
            assertTrue(ref > 3f && ref < 8 * Math.log(2), "codebook entropy " + ref);
            float[] gRef = zRef.getGradient().toFloatArray();
            float[] gLean = zLean.getGradient().toFloatArray();
            float[] gTape = zTape.getGradient().toFloatArray();
            double scale = 0;
            for (float v : gRef) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 1e-3, "gradient too small to compare: " + scale);
            for (int i = 0; i < gRef.length; i++) {
                assertEquals(gRef[i], gLean[i], 1e-4 * scale + 1e-6, "lean gradient " + i);
                assertEquals(gRef[i], gTape[i], 1e-4 * scale + 1e-6, "tape gradient " + i);
            }
        }
    }

    @Test
    void groupedCodebookEntropySumsGroupEntropiesAndBoundsTheJointFromAbove() {
        int k = 16;
        float tau = 0.01f;
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(9);
            NDArray z = m.randomNormal(0f, 0.01f, new Shape(1, k, 4, 8), DataType.FLOAT32);
            LookupFreeQuantizer grouped = new LookupFreeQuantizer(LookupFreeQuantizerConfig.defaults(k).withTemperature(tau));
            assertEquals(List.of(8, 8), grouped.config().groupBits());
            float h = grouped.quantize(z, true).codebookEntropy().getFloat();
            NDArray z2d = z.transpose(0, 2, 3, 1).reshape(32, k);
            float low = bruteForceCodebookEntropy(z2d.get(":, 0:8"), 8, tau).getFloat();
            float high = bruteForceCodebookEntropy(z2d.get(":, 8:16"), 8, tau).getFloat();
            assertEquals(low + high, h, 1e-4f);
            float joint = bruteForceCodebookEntropy(z2d, k, tau).getFloat();
            assertTrue(h >= joint - 1e-4f, "grouped " + h + " < joint " + joint);
            // The exact path at K = 16 agrees with brute force too.
            LookupFreeQuantizer exact = new LookupFreeQuantizer(LookupFreeQuantizerConfig.defaults(k).withTemperature(tau)
                    .withCodebookEntropy(CodebookEntropy.EXACT, List.of()));
            assertEquals(joint, exact.quantize(z, true).codebookEntropy().getFloat(), 1e-4f);
            assertEquals(List.of(9, 9), LookupFreeQuantizerConfig.defaults(18).groupBits());
        }
    }

    @Test
    void straightThroughGradientIsIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {0.3f, -0.2f, 1.5f, -0.01f, 0.7f, -2f}, new Shape(1, 3, 1, 2));
            NDArray w = m.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(1, 3, 1, 2));
            z.setRequiresGradient(true);
            NDArray codes;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                codes = quantizer(3, 0.01f).quantize(z, false).codes();
                gc.backward(codes.mul(w).sum());
            }
            assertArrayEquals(new float[] {1f, -1f, 1f, -1f, 1f, -1f}, codes.toFloatArray(), 0f);
            assertArrayEquals(w.toFloatArray(), z.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void lossTermsMatchHandComputationOnATinyInput() {
        // Two positions (B=1, H=1, W=2), K = 2 bits, tau = 1 so that a = 4z.
        float tau = 1f;
        float[][] zs = {{0.5f, -0.25f}, {-0.1f, 0.2f}}; // [position][bit]
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {zs[0][0], zs[1][0], zs[0][1], zs[1][1]}, new Shape(1, 2, 1, 2));
            LookupFreeQuantizer.Quantized q = quantizer(2, tau).quantize(z, true);

            // Codes: position 0 -> (+1, -1) = index 1; position 1 -> (-1, +1) = index 2.
            assertArrayEquals(new long[] {1, 2}, q.indices().toLongArray());
            // Commitment: mean of (0.5-1)^2, (-0.25+1)^2, (-0.1+1)^2, (0.2-1)^2.
            double commitment = (0.25 + 0.5625 + 0.81 + 0.64) / 4;
            assertEquals(commitment, q.commitment().getFloat(), 1e-6);

            // Enumerate the 4 codes per position: p_n(c) = softmax_c(sum_i 2 z_i c_i / tau).
            double[][] p = new double[2][4];
            for (int n = 0; n < 2; n++) {
                double norm = 0;
                for (int c = 0; c < 4; c++) {
                    double logit = 0;
                    for (int i = 0; i < 2; i++) {
                        logit += 2 * zs[n][i] * (((c >> i) & 1) == 1 ? 1 : -1) / tau;
                    }
                    p[n][c] = Math.exp(logit);
                    norm += p[n][c];
                }
                for (int c = 0; c < 4; c++) {
                    p[n][c] /= norm;
                }
            }
            double hSample = 0;
            double hCodebook = 0;
            for (int c = 0; c < 4; c++) {
                hSample -= (p[0][c] * Math.log(p[0][c]) + p[1][c] * Math.log(p[1][c])) / 2;
                double pbar = (p[0][c] + p[1][c]) / 2;
                hCodebook -= pbar * Math.log(pbar + 1e-5);
            }
            assertEquals(hSample, q.sampleEntropy().getFloat(), 1e-5);
            assertEquals(hCodebook, q.codebookEntropy().getFloat(), 1e-5);
            assertEquals(hSample - hCodebook, q.entropyPenalty().getFloat(), 1e-5);
            assertEquals(0.25 * commitment + 0.1 * (hSample - hCodebook), q.loss().getFloat(), 1e-5);
            assertEquals(List.of("commitment", "sampleEntropy", "codebookEntropy", "entropyPenalty", "loss"),
                    List.copyOf(q.terms().keySet()));
            // Scale check of the spec: ln min(N, 2^K) at batch 32 of 8x8 tokens.
            assertEquals(7.625, quantizer(14, 0.01f).codebookEntropyBound(32 * 64), 1e-3);
        }
    }

    @Test
    void configRoundTripsThroughJsonAndRejectsBadValues() {
        for (int k : new int[] {6, 14, 16, 18}) {
            LookupFreeQuantizerConfig c = LookupFreeQuantizerConfig.defaults(k);
            assertEquals(c, LookupFreeQuantizerConfig.fromJson(c.toJson()));
        }
        assertEquals(CodebookEntropy.EXACT, LookupFreeQuantizerConfig.defaults(14).codebookEntropy());
        assertThrows(IllegalArgumentException.class, () -> LookupFreeQuantizerConfig.defaults(19));
        assertThrows(IllegalArgumentException.class, () -> LookupFreeQuantizerConfig.defaults(18)
                .withCodebookEntropy(CodebookEntropy.EXACT, List.of()));
        assertThrows(IllegalArgumentException.class, () -> LookupFreeQuantizerConfig.defaults(18)
                .withCodebookEntropy(CodebookEntropy.GROUPED, List.of(9, 8)));
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> quantizer(14, 0.01f).quantize(m.zeros(new Shape(1, 12, 8, 8)), true));
            assertTrue(e.getMessage().contains("expects z of shape (B, 14, H, W)"));
        }
    }
}
