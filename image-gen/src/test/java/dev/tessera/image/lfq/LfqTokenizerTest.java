package dev.tessera.image.lfq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.data.ShapesGenerator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LfqTokenizerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** Widths 8/16/16, GroupNorm(4), one block per level, K = 6: the default's shape at 1/100 of the cost. */
    static LfqTokenizerConfig tiny(boolean preQuantNorm) {
        return new LfqTokenizerConfig(32, 8, List.of(1, 2, 2), 1, 4, true, preQuantNorm, 2,
                LookupFreeQuantizerConfig.defaults(6));
    }

    private static long count(LfqTokenizer t, String prefix) {
        long n = 0;
        for (Pair<String, Parameter> p : t.getParameters()) {
            if (p.getKey().startsWith(prefix)) {
                n += p.getValue().getShape().size();
            }
        }
        return n;
    }

    @Test
    void defaultParameterCountsMatchTheSpecsCpuBudget() {
        LfqTokenizer t = new LfqTokenizer(LfqTokenizerConfig.defaults());
        long encoder = count(t, "encoder_");
        long decoder = count(t, "decoder_");
        System.out.printf("LFQ tokenizer K=14: encoder %,d, decoder %,d, total %,d parameters%n", encoder, decoder,
                t.parameterCount());
        // specs/image.md 1.3: encoder 2.0M, decoder 3.2M (derived).
        assertEquals(2.0e6, encoder, 0.05 * 2.0e6);
        assertEquals(3.2e6, decoder, 0.05 * 3.2e6);
        assertEquals(encoder + decoder, t.parameterCount());
        assertEquals(2_043_150, encoder);
        assertEquals(3_176_003, decoder);
    }

    @Test
    void defaultTokenizerMaps32PixelImagesToAnEightByEightGridAndBack() {
        LfqTokenizer t = new LfqTokenizer(LfqTokenizerConfig.defaults());
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(1);
            t.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = new ShapesGenerator(32, 2).generate(2).batch(m, new int[] {0, 1});
            NDArray z = t.encode(ps, x, false);
            assertEquals(new Shape(2, 14, 8, 8), z.getShape());
            LfqTokenizer.Output out = t.forward(ps, x, false, true);
            assertEquals(new Shape(2, 3, 32, 32), out.reconstruction().getShape());
            assertEquals(new Shape(2, 8, 8), out.quantized().indices().getShape());
            NDArray tokens = t.tokenize(ps, x);
            assertEquals(new Shape(2, 64), tokens.getShape());
            assertTrue(tokens.min().getLong() >= 0 && tokens.max().getLong() < 16384);
            // Decoding the tokens gives exactly the reconstruction of the forward pass.
            assertArrayEquals(out.reconstruction().toFloatArray(), t.detokenize(ps, tokens).toFloatArray(), 1e-5f);
            assertThrows(IllegalArgumentException.class, () -> t.detokenize(ps, tokens.add(16384)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.encode(ps, m.zeros(new Shape(1, 3, 64, 64)), false));
            assertTrue(e.getMessage().contains("(B, 3, 32, 32)"));
        }
    }

    @Test
    void depthToSpacePlacesChannelGroupsOnTheTwoByTwoSubgrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (1, 4, 1, 1): channels (i, j) = (0,0), (0,1), (1,0), (1,1) with C = 1.
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4, 1, 1));
            NDArray y = LfqTokenizer.depthToSpace(x);
            assertEquals(new Shape(1, 1, 2, 2), y.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, y.toFloatArray());
            // Two output channels: input channel (i*2 + j)*C + c.
            NDArray x2 = m.arange(0f, 8f).reshape(1, 8, 1, 1);
            assertArrayEquals(new float[] {0, 2, 4, 6, 1, 3, 5, 7}, LfqTokenizer.depthToSpace(x2).toFloatArray());
        }
    }

    @Test
    void tinyForwardAndBackwardGiveFiniteNonZeroGradientsToEveryParameter() {
        for (boolean preQuantNorm : new boolean[] {false, true}) {
            LfqTokenizer t = new LfqTokenizer(tiny(preQuantNorm));
            try (NDManager m = NDManager.newBaseManager()) {
                Seeds.seedAll(4);
                t.initialize(m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = new ShapesGenerator(32, 3).generate(2).batch(m, new int[] {0, 1});
                float loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    LfqTokenizer.Output out = t.forward(ps, x, true, true);
                    assertEquals(new Shape(2, 3, 32, 32), out.reconstruction().getShape());
                    NDArray l = out.reconstruction().sub(x).abs().mean().add(out.quantized().loss());
                    loss = l.getFloat();
                    gc.backward(l);
                }
                assertTrue(Float.isFinite(loss));
                for (Pair<String, Parameter> p : t.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    float norm = g.square().sum().getFloat();
                    assertTrue(Float.isFinite(norm) && norm > 0, p.getKey() + " gradient norm^2 " + norm);
                }
            }
        }
    }

    @Test
    void configRoundTripsThroughJson() {
        for (LfqTokenizerConfig c : List.of(LfqTokenizerConfig.defaults(), LfqTokenizerConfig.defaults(18), tiny(true))) {
            assertEquals(c, LfqTokenizerConfig.fromJson(c.toJson()));
        }
        assertEquals(64, LfqTokenizerConfig.defaults().tokens());
        assertThrows(IllegalArgumentException.class, () -> new LfqTokenizerConfig(32, 60, List.of(1, 2, 2), 2, 32, true,
                false, 1, LookupFreeQuantizerConfig.defaults()));
    }
}
