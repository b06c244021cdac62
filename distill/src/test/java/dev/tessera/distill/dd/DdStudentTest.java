package dev.tessera.distill.dd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.Trainer;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.serve.TinyImageModels;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The student of a tiny random teacher (K = 8 split 3 + 5, width 32, 2 layers, 4 classes, 64 tokens). */
class DdStudentTest {

    private static NDManager manager;
    private static FactorizedArTransformer teacher;
    private static DdPairs pairs;

    @BeforeAll
    static void teacherAndPairs(@TempDir Path dir) throws Exception {
        Engines.start();
        manager = NDManager.newBaseManager();
        teacher = TinyImageModels.factorized(manager, 5);
        PairGenerator g = new PairGenerator(teacher, SamplingParams.EVALUATION, 32);
        g.generateInto(manager, dir, 40, 7, 0.1, 48, new JsonObject(), n -> { });   // stopped early,
        g.generateInto(manager, dir, 96, 7, 0.1, 48, new JsonObject(), n -> { });   // then continued
        pairs = DdPairs.load(dir);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void pairsAreAFunctionOfClassAndSeedInAnyBatch() {
        PairGenerator g = new PairGenerator(teacher, SamplingParams.EVALUATION, 32);
        long[][] alone = g.generate(manager, new int[] {pairs.classId(5)}, new long[] {pairs.seed(5)});
        long[][] mixed = g.generate(manager, new int[] {pairs.classId(9), pairs.classId(5)},
                new long[] {pairs.seed(9), pairs.seed(5)});
        long[] stored = new long[64];
        for (int t = 0; t < 64; t++) {
            stored[t] = pairs.token(5, t);
        }
        assertArrayEquals(stored, alone[0]);
        assertArrayEquals(stored, mixed[1]);
        assertEquals(96, pairs.count());
        assertEquals(8, pairs.bits());
    }

    @Test
    void studentStartsFromTheTeacherWithALeastSquaresInput() {
        DdStudent s = new DdStudent(DdStudentConfig.of(teacher.config()));
        s.initialize(manager);
        s.initializeFrom(teacher);
        Map<String, float[]> theirs = new HashMap<>();
        for (Pair<String, Parameter> p : teacher.getParameters()) {
            theirs.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        int copied = 0;
        for (Pair<String, Parameter> p : s.getParameters()) {
            float[] t = theirs.get(p.getKey());
            if (t != null) {
                assertArrayEquals(t, p.getValue().getArray().toFloatArray(), p.getKey());
                copied++;
            }
        }
        assertTrue(copied >= 20, "copied " + copied);
        // Least squares: the residual E(c) - (W c + b) over all 256 codes is orthogonal to 1 and to every bit.
        int w = 32;
        float[] pre = theirs.get("preEmbedding_weight");
        float[] post = theirs.get("postEmbedding_weight");
        float[] codes = new float[256 * 8];
        for (int q = 0; q < 256; q++) {
            DdSampler.codeVector(q, 8, codes, q * 8);
        }
        float[] fitted;
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            dev.tessera.image.nn.Dense input = (dev.tessera.image.nn.Dense) s.getChildren().get("input");
            fitted = input.forward(ps, m.create(codes, new Shape(256, 8)), false).toFloatArray();        // (256, w)
        }
        double worst = 0;
        double scale = 0;
        for (int d = 0; d < w; d++) {
            double[] dots = new double[9];
            for (int q = 0; q < 256; q++) {
                double e = pre[(q & 7) * w + d] + post[(q >> 3) * w + d];
                double r = e - fitted[q * w + d];
                scale = Math.max(scale, Math.abs(e));
                dots[8] += r / 256;
                for (int i = 0; i < 8; i++) {
                    dots[i] += r * codes[q * 8 + i] / 256;
                }
            }
            for (double v : dots) {
                worst = Math.max(worst, Math.abs(v));
            }
        }
        assertTrue(worst < 1e-5 * Math.max(1, scale), "largest residual correlation " + worst);
    }

    @Test
    void studentFitsASmallTeachersPairs(@TempDir Path run) throws Exception {
        DdTrainingConfig d = DdTrainingConfig.defaults();
        DdTrainingConfig config = new DdTrainingConfig(d.train().with(new JsonObject().put("steps", 120)
                .put("learningRate", 3e-3).put("warmupSteps", 10).put("minLearningRate", 3e-4).put("emaDecay", 0.0)
                .put("checkpointEvery", 0).put("validateEvery", 0).put("logEvery", 1000).put("seed", 3)),
                16, 0.5, 1.0, 16);
        DdStudentConfig sc = new DdStudentConfig(teacher.config(), 20, true, 0f);
        try (DdTrainingTask task = new DdTrainingTask(config, sc, teacher, pairs);
             Trainer trainer = new Trainer(config.train(), task, run)) {
            DdPairs fitted = pairs.head(80);
            Map<String, Double> before = task.evaluate(manager, fitted);
            trainer.fit();
            Map<String, Double> after = task.evaluate(manager, fitted);
            System.out.printf("fit: loss %.3f -> %.3f nats/token, 1-step agreement %.3f -> %.3f%n", before.get("loss"),
                    after.get("loss"), before.get("agreement1"), after.get("agreement1"));
            assertTrue(after.get("loss") < 0.5 * before.get("loss"), before + " -> " + after);
            assertTrue(after.get("agreement1") > before.get("agreement1") + 0.2, before + " -> " + after);

            DdSampler sampler = new DdSampler(task.student());
            int[] classes = {pairs.classId(0), pairs.classId(1)};
            long[] seeds = {pairs.seed(0), pairs.seed(1)};
            long[][] one = sampler.sample(manager, classes, seeds, 1);
            long[][] two = sampler.sample(manager, classes, seeds, 2);
            for (int i = 0; i < 2; i++) {
                for (int t = 0; t < 20; t++) {
                    assertEquals(one[i][t], two[i][t], "2-step keeps the first pass's first 20 tokens");
                }
                for (int t = 0; t < 64; t++) {
                    assertTrue(two[i][t] >= 0 && two[i][t] < 256);
                }
            }
        }
    }

    @Test
    void naiveBaselineDrawsEveryPositionFromOneTeacherPass() {
        java.util.SplittableRandom[] r1 = {new java.util.SplittableRandom(1), new java.util.SplittableRandom(2)};
        java.util.SplittableRandom[] r2 = {new java.util.SplittableRandom(1), new java.util.SplittableRandom(2)};
        long[][] a = DdSampler.naive(teacher, manager, new int[] {0, 3}, 17, SamplingParams.EVALUATION, r1);
        long[][] b = DdSampler.naive(teacher, manager, new int[] {0, 3}, 17, SamplingParams.EVALUATION, r2);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (long t : a[0]) {
            assertTrue(t >= 0 && t < 256);
            distinct.add(t);
        }
        assertTrue(distinct.size() > 8, "independent draws vary: " + distinct.size());
    }
}
