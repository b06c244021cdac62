package dev.tessera.image.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.SubTokenSplit;
import dev.tessera.image.serve.TinyImageModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sampler on tiny random models of both heads (K = 8, 64 tokens, 4 classes + the null class). */
class TokenSamplerTest {

    private static NDManager manager;
    private static FactorizedArTransformer factorized;
    private static FlatArTransformer flat;

    @BeforeAll
    static void models() {
        Engines.start();
        manager = NDManager.newBaseManager();
        factorized = TinyImageModels.factorized(manager, 11);
        flat = TinyImageModels.flat(manager, 12);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<ImageTokenModel> both() {
        return List.of(factorized, flat);
    }

    private static final int NULL = TinyImageModels.CLASSES;

    /** Three guided images of three classes and one unconditional one, mixed settings. */
    private static List<SampleSpec> mixed(long seed) {
        SamplingParams topK = new SamplingParams(new SubTokenSampling(2, 1, 5, 1), new SubTokenSampling(1.5, 0.8, 0, 0.9), 20);
        return List.of(new SampleSpec(1, seed, 0, SamplingParams.STUDIO), new SampleSpec(3, seed, 1, topK),
                new SampleSpec(NULL, seed + 1, 0, SamplingParams.PLAIN), new SampleSpec(0, seed, 2, SamplingParams.EVALUATION));
    }

    @Test
    void cachedLogitsEqualFullRecomputationWithin1e4() {
        for (ImageTokenModel model : both()) {
            long[] classes = {0, 2, NULL, NULL};
            try (NDManager run = manager.newSubManager()) {
                TokenStepper cached = new TokenSampler(model).stepper(run, classes);
                TokenStepper full = new TokenSampler(model, TokenSampler.Mode.RECOMPUTE).stepper(run, classes);
                int[] sizes = cached.subTokenSizes();
                assertArrayEquals(full.subTokenSizes(), sizes);
                SplittableRandom r = new SplittableRandom(3);
                double worst = 0;
                double spread = 0;
                for (int t = 0; t < 64; t++) {
                    for (int size : sizes) {
                        float[] a = cached.nextLogits();
                        float[] b = full.nextLogits();
                        assertEquals(classes.length * size, a.length);
                        for (int i = 0; i < a.length; i++) {
                            worst = Math.max(worst, Math.abs(a[i] - b[i]));
                            spread = Math.max(spread, Math.abs(a[i] - a[0]));
                        }
                        long[] values = new long[classes.length];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = r.nextInt(size);
                        }
                        cached.append(values);
                        full.append(values);
                    }
                }
                System.out.printf("%s: cached vs recomputed logits, max |diff| %.2e over 64 tokens%n",
                        model.getClass().getSimpleName(), worst);
                assertTrue(worst <= 1e-4, "max |diff| " + worst);
                assertTrue(spread > 0.5, "the logits must not be trivially flat, spread " + spread);
            }
        }
    }

    @Test
    void kvCachedSamplingEqualsRecomputedSamplingTokenForToken() {
        for (ImageTokenModel model : both()) {
            long[][] cached = new TokenSampler(model).sample(manager, mixed(7), TokenListener.NONE);
            long[][] full = new TokenSampler(model, TokenSampler.Mode.RECOMPUTE).sample(manager, mixed(7), TokenListener.NONE);
            for (int i = 0; i < cached.length; i++) {
                assertArrayEquals(full[i], cached[i], model.getClass().getSimpleName() + " image " + i);
                for (long t : cached[i]) {
                    assertTrue(t >= 0 && t < 1 << TinyImageModels.BITS, "token " + t);
                }
            }
        }
    }

    @Test
    void topKOneIsGreedyArgmaxOfTheTeacherForcedLogitsWithAndWithoutGuidance() {
        for (double cfg : new double[] {1, 3}) {
            SamplingParams greedy = SamplingParams.uniform(cfg, 0.7, 1, 1);
            List<SampleSpec> specs = List.of(new SampleSpec(2, 1, 0, greedy), new SampleSpec(0, 99, 3, greedy));
            for (ImageTokenModel model : both()) {
                long[][] tokens = new TokenSampler(model).sample(manager, specs, TokenListener.NONE);
                try (NDManager m = manager.newSubManager()) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray grid = m.create(new long[][] {tokens[0], tokens[1]});                  // (2, 64)
                    NDArray cond = m.create(new long[] {2, 0});
                    NDArray uncond = m.create(new long[] {NULL, NULL});
                    if (model instanceof FactorizedArTransformer f) {
                        SubTokenSplit split = f.split();
                        FactorizedArTransformer.Logits lc = f.logits(ps, grid, cond, false);
                        FactorizedArTransformer.Logits lu = f.logits(ps, grid, uncond, false);
                        assertArrayEquals(split.pre(grid).toLongArray(), guidedArgmax(lc.pre(), lu.pre(), cfg));
                        assertArrayEquals(split.post(grid).toLongArray(), guidedArgmax(lc.post(), lu.post(), cfg));
                    } else {
                        FlatArTransformer flatModel = (FlatArTransformer) model;
                        assertArrayEquals(grid.toLongArray(), guidedArgmax(flatModel.logits(ps, grid, cond, false),
                                flatModel.logits(ps, grid, uncond, false), cfg));
                    }
                }
            }
        }
    }

    /** argmax over the last axis of {@code l_u + s (l_c - l_u)}, flattened. */
    private static long[] guidedArgmax(NDArray lc, NDArray lu, double s) {
        return lu.add(lc.sub(lu).mul(s)).argMax(-1).toLongArray();
    }

    @Test
    void sameSeedGivesTheSameTokensAndABatchOfThreeEqualsThreeSingles() {
        for (ImageTokenModel model : both()) {
            TokenSampler sampler = new TokenSampler(model);
            List<SampleSpec> three = mixed(21).subList(0, 3);
            long[][] batch = sampler.sample(manager, three, TokenListener.NONE);
            assertEquals(3, batch.length);
            for (int i = 0; i < 3; i++) {
                long[][] single = sampler.sample(manager, List.of(three.get(i)), TokenListener.NONE);
                assertArrayEquals(batch[i], single[0], model.getClass().getSimpleName() + " image " + i);
            }
            long[][] again = sampler.sample(manager, three, TokenListener.NONE);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(batch[i], again[i]);
            }
            long[][] otherSeed = sampler.sample(manager, mixed(22).subList(0, 1), TokenListener.NONE);
            assertFalse(Arrays.equals(batch[0], otherSeed[0]), "another seed, another image");
            // image index 1 of the same seed and class is another image too
            SampleSpec first = three.get(0);
            long[][] nextIndex = sampler.sample(manager,
                    List.of(new SampleSpec(first.classId(), first.seed(), 1, first.params())), TokenListener.NONE);
            assertFalse(Arrays.equals(batch[0], nextIndex[0]), "another index, another image");
        }
    }

    @Test
    void theListenerSeesEveryTokenOfEveryImageAndCanStopTheRun() {
        TokenSampler sampler = new TokenSampler(factorized);
        List<Integer> steps = new ArrayList<>();
        long[][] done = sampler.sample(manager, mixed(5).subList(0, 2), p -> {
            steps.add(p.step());
            assertEquals(64, p.total());
            for (long[] grid : p.tokens()) {
                for (int t = 0; t < 64; t++) {
                    assertEquals(t < p.step(), grid[t] >= 0, "token " + t + " at step " + p.step());
                }
            }
            return true;
        });
        assertEquals(64, steps.size());
        assertEquals(1, steps.get(0));
        assertEquals(64, steps.get(63));
        long[][] stopped = sampler.sample(manager, mixed(5).subList(0, 2), p -> p.step() < 10);
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 64; t++) {
                if (t < 10) {
                    assertEquals(done[i][t], stopped[i][t]);
                } else {
                    assertEquals(-1, stopped[i][t]);
                }
            }
        }
    }

    @Test
    void aClassOutsideTheModelIsRefused() {
        TokenSampler sampler = new TokenSampler(flat);
        var e = assertThrows(IllegalArgumentException.class, () -> sampler.sample(
                manager, List.of(new SampleSpec(NULL + 1, 0, 0, SamplingParams.PLAIN)), TokenListener.NONE));
        assertTrue(e.getMessage().contains("class 5"), e.getMessage());
    }
}
