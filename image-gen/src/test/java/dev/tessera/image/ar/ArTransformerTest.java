package dev.tessera.image.ar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArTransformerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** Width 32, 4 heads, 2 layers, 64 tokens of K = 8 bits (3 + 5), 4 classes, no dropout. */
    static ArTrunkConfig tinyTrunk(float classDropout, float dropout) {
        return new ArTrunkConfig(32, 4, 2, 64, 4, 64, classDropout, dropout, 0.02f, 1e-5f);
    }

    static FactorizedArTransformer tinyFactorized(float classDropout, float dropout) {
        return new FactorizedArTransformer(new FactorizedArConfig(8, 3, 1, tinyTrunk(classDropout, dropout)));
    }

    static FlatArTransformer tinyFlat(float classDropout, float dropout) {
        return new FlatArTransformer(new FlatArConfig(8, tinyTrunk(classDropout, dropout)));
    }

    /** Zero heads make every logit 0; perturb them so that tests of what logits depend on mean something. */
    static void randomizeHeads(ImageTokenModel model, NDManager m) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getKey().contains("ead_")) { // preHead_, postHead_, head_
                NDArray a = p.getValue().getArray();
                a.addi(m.randomNormal(0f, 0.5f, a.getShape(), DataType.FLOAT32));
            }
        }
    }

    static NDArray randomTokens(NDManager m, int batch, int bits, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] t = new long[batch * 64];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(1 << bits);
        }
        return m.create(t, new Shape(batch, 64));
    }

    @Test
    void defaultParameterCountsMatchTheSpecsArithmetic() {
        FactorizedArTransformer factorized = new FactorizedArTransformer(FactorizedArConfig.defaults());
        FlatArTransformer flat = new FlatArTransformer(FlatArConfig.defaults());
        FactorizedArTransformer factorized18 = new FactorizedArTransformer(FactorizedArConfig.defaults(18));
        System.out.printf("AR K=14 factorized (6+8): %,d parameters; flat: %,d; K=18 factorized (6+12): %,d%n",
                factorized.parameterCount(), flat.parameterCount(), factorized18.parameterCount());
        // specs/image.md 2.3: factorized about 6.2M, flat about 13.5M (derived).
        assertEquals(6_150_912, factorized.parameterCount());
        assertEquals(13_523_200, flat.parameterCount());
        assertEquals(6.2e6, factorized.parameterCount(), 0.05 * 6.2e6);
        assertEquals(13.5e6, flat.parameterCount(), 0.05 * 13.5e6);
        // K = 18: table + heads 2 x (64 + 4096) x 256 = 2.13M instead of 0.16M.
        assertEquals(6_150_912 + 2L * (4096 - 256) * 256, factorized18.parameterCount());
        assertThrows(IllegalArgumentException.class, () -> FlatArConfig.defaults(18));
    }

    @Test
    void defaultFactorizedModelRunsOnAFullSequence() {
        FactorizedArTransformer model = new FactorizedArTransformer(FactorizedArConfig.defaults());
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(2);
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray tokens = randomTokens(m, 2, 14, 1);
            FactorizedArTransformer.Logits l = model.logits(ps, tokens, m.create(new long[] {3, 10}), false);
            assertEquals(new Shape(2, 64, 64), l.pre().getShape());
            assertEquals(new Shape(2, 64, 256), l.post().getShape());
            // Zero-initialized heads: exactly K bits per token.
            assertEquals(14 * Math.log(2), model.loss(ps, tokens, m.create(new long[] {3, 10}), false).get("loss").getFloat(), 1e-5);
        }
    }

    @Test
    void initialLossOfBothModelsIsExactlyKBitsPerToken() {
        for (ImageTokenModel model : List.of(tinyFactorized(0.1f, 0.1f), tinyFlat(0.1f, 0.1f))) {
            try (NDManager m = NDManager.newBaseManager()) {
                Seeds.seedAll(3);
                model.initialize(m, DataType.FLOAT32);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray tokens = randomTokens(m, 3, 8, 2);
                NDArray classes = m.create(new long[] {0, 2, 4});
                Map<String, NDArray> loss = model.loss(ps, tokens, classes, true);
                assertEquals(8 * Math.log(2), loss.get("loss").getFloat(), 1e-5, model.getClass().getSimpleName());
                NDArray nll = model.tokenNll(ps, tokens, classes, false);
                assertEquals(new Shape(3, 64), nll.getShape());
                assertEquals(8 * Math.log(2), nll.max().getFloat(), 1e-5);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            FactorizedArTransformer f = tinyFactorized(0f, 0f);
            f.initialize(m);
            Map<String, NDArray> loss = f.loss(new ParameterStore(m, false), randomTokens(m, 1, 8, 3), m.create(new long[] {1}), false);
            assertEquals(List.of("loss", "cePre", "cePost"), List.copyOf(loss.keySet()));
            assertEquals(3 * Math.log(2), loss.get("cePre").getFloat(), 1e-5);
            assertEquals(5 * Math.log(2), loss.get("cePost").getFloat(), 1e-5);
        }
    }

    @Test
    void changingALaterTokenNeverChangesEarlierLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(4);
            FactorizedArTransformer factorized = tinyFactorized(0f, 0f);
            FlatArTransformer flat = tinyFlat(0f, 0f);
            factorized.initialize(m);
            flat.initialize(m);
            randomizeHeads(factorized, m);
            randomizeHeads(flat, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray classes = m.create(new long[] {1});
            NDArray tokens = randomTokens(m, 1, 8, 5);
            FactorizedArTransformer.Logits base = factorized.logits(ps, tokens, classes, false);
            NDArray flatBase = flat.logits(ps, tokens, classes, false);
            long[] values = tokens.toLongArray();
            for (int j : new int[] {0, 1, 17, 40, 63}) {
                long[] changed = values.clone();
                changed[j] = (changed[j] + 77) % 256; // another pre and another post sub-token
                NDArray other = m.create(changed, new Shape(1, 64));
                FactorizedArTransformer.Logits l = factorized.logits(ps, other, classes, false);
                NDArray fl = flat.logits(ps, other, classes, false);
                for (int t = 0; t <= j; t++) {
                    // Position t predicts token t from tokens < t; at t = j the pre logits cannot see token j,
                    // the post logits see its (teacher-forced) pre sub-token, which did change.
                    assertArrayEquals(base.pre().get(0, t).toFloatArray(), l.pre().get(0, t).toFloatArray(), 0f,
                            "pre logits at " + t + " changed with token " + j);
                    assertArrayEquals(flatBase.get(0, t).toFloatArray(), fl.get(0, t).toFloatArray(), 0f,
                            "flat logits at " + t + " changed with token " + j);
                    if (t < j) {
                        assertArrayEquals(base.post().get(0, t).toFloatArray(), l.post().get(0, t).toFloatArray(), 0f,
                                "post logits at " + t + " changed with token " + j);
                    }
                }
                assertFalse(Arrays.equals(base.post().get(0, j).toFloatArray(), l.post().get(0, j).toFloatArray()),
                        "post logits at " + j + " ignore their pre sub-token");
                if (j < 63) {
                    assertFalse(Arrays.equals(base.pre().get(0, j + 1).toFloatArray(), l.pre().get(0, j + 1).toFloatArray()),
                            "pre logits at " + (j + 1) + " ignore token " + j);
                    assertFalse(Arrays.equals(flatBase.get(0, j + 1).toFloatArray(), fl.get(0, j + 1).toFloatArray()));
                }
            }
            // The class prefix reaches the first position.
            FactorizedArTransformer.Logits otherClass = factorized.logits(ps, tokens, m.create(new long[] {2}), false);
            assertFalse(Arrays.equals(base.pre().get(0, 0).toFloatArray(), otherClass.pre().get(0, 0).toFloatArray()));
        }
    }

    @Test
    void tokenNllIsTheChainRuleOfBothHeadsAndTheLossIsItsMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(6);
            FactorizedArTransformer model = tinyFactorized(0f, 0f);
            model.initialize(m);
            randomizeHeads(model, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray tokens = randomTokens(m, 2, 8, 7);
            NDArray classes = m.create(new long[] {0, 3});
            FactorizedArTransformer.Logits l = model.logits(ps, tokens, classes, false);
            float[] nll = model.tokenNll(ps, tokens, classes, false).toFloatArray();
            long[] tok = tokens.toLongArray();
            float[] pre = l.pre().logSoftmax(2).toFloatArray();   // (2, 64, 8)
            float[] post = l.post().logSoftmax(2).toFloatArray(); // (2, 64, 32)
            double sum = 0;
            for (int i = 0; i < tok.length; i++) {
                double expected = -pre[i * 8 + (int) (tok[i] & 7)] - post[i * 32 + (int) (tok[i] >>> 3)];
                assertEquals(expected, nll[i], 1e-5);
                sum += expected;
            }
            assertEquals(sum / tok.length, model.loss(ps, tokens, classes, false).get("loss").getFloat(), 1e-5);
        }
    }

    @Test
    void classDropoutReplacesTheClassByTheNullClassInTrainingOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(8);
            FactorizedArTransformer always = tinyFactorized(1f, 0f);
            always.initialize(m);
            randomizeHeads(always, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray tokens = randomTokens(m, 2, 8, 9);
            NDArray nullClass = m.create(new long[] {4, 4});
            NDArray classes = m.create(new long[] {0, 2});
            float[] dropped = always.tokenNll(ps, tokens, classes, true).toFloatArray();
            assertArrayEquals(always.tokenNll(ps, tokens, nullClass, false).toFloatArray(), dropped, 1e-6f);
            assertFalse(Arrays.equals(always.tokenNll(ps, tokens, classes, false).toFloatArray(), dropped));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> always.tokenNll(ps, tokens, m.create(new long[] {0, 5}), false));
            assertTrue(e.getMessage().contains("classes must be in [0, 4]"));
            assertThrows(IllegalArgumentException.class, () -> always.tokenNll(ps, tokens.add(256), classes, false));
        }
    }

    @Test
    void tinyForwardAndBackwardGiveFiniteGradientsToEveryParameter() {
        for (ImageTokenModel model : List.of(tinyFactorized(0.1f, 0.1f), tinyFlat(0.1f, 0.1f))) {
            try (NDManager m = NDManager.newBaseManager()) {
                Seeds.seedAll(10);
                model.initialize(m, DataType.FLOAT32);
                randomizeHeads(model, m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray tokens = randomTokens(m, 4, 8, 11);
                NDArray classes = m.create(new long[] {0, 1, 2, 3});
                float loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = model.loss(ps, tokens, classes, true).get("loss");
                    loss = l.getFloat();
                    gc.backward(l);
                }
                assertTrue(Float.isFinite(loss) && loss > 0);
                for (Pair<String, Parameter> p : model.getParameters()) {
                    float norm = p.getValue().getArray().getGradient().square().sum().getFloat();
                    assertTrue(Float.isFinite(norm) && norm > 0,
                            model.getClass().getSimpleName() + " " + p.getKey() + " gradient norm^2 " + norm);
                }
            }
        }
    }

    @Test
    void configsRoundTripThroughJson() {
        for (FactorizedArConfig c : List.of(FactorizedArConfig.defaults(), FactorizedArConfig.defaults(18),
                new FactorizedArConfig(8, 3, 2, tinyTrunk(0.5f, 0f)))) {
            assertEquals(c, FactorizedArConfig.fromJson(c.toJson()));
        }
        for (FlatArConfig c : List.of(FlatArConfig.defaults(), new FlatArConfig(8, tinyTrunk(0f, 0.2f)))) {
            assertEquals(c, FlatArConfig.fromJson(c.toJson()));
        }
        assertEquals(768, ArTrunkConfig.defaults().ffnHidden());
        assertEquals(FactorizedArConfig.defaults().toJson(), new FactorizedArTransformer(FactorizedArConfig.defaults()).configJson());
    }
}
