package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingProgress;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FlatArConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArTrainingTaskTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /**
     * Sequences of 64 tokens of K = 8 bits in 4 classes: token t is {@code (37 c + 5 t) mod 256} with
     * probability 0.9, else uniform. A model that learns class and position reaches well under 1 bit/token.
     */
    static TokenSequences synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] tokens = new long[n * 64];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = r.nextInt(4);
            for (int t = 0; t < 64; t++) {
                tokens[i * 64 + t] = r.nextDouble() < 0.9 ? (37L * classes[i] + 5L * t) % 256 : r.nextInt(256);
            }
        }
        return new TokenSequences(8, 64, tokens, classes);
    }

    /** Width 32, 4 heads, 2 layers, 4 classes, class dropout 0.1, dropout as given; K = 8 (3 + 5 when factorized). */
    static ArTrainingConfig tiny(String head, long steps, float dropout) {
        ArTrunkConfig trunk = new ArTrunkConfig(32, 4, 2, 64, 4, 64, 0.1f, dropout, 0.02f, 1e-5f);
        JsonObject model = head.equals("flat") ? new FlatArConfig(8, trunk).toJson()
                : new FactorizedArConfig(8, 3, 1, trunk).toJson();
        ArTrainingConfig d = ArTrainingConfig.defaults(head, 8);
        return new ArTrainingConfig(model, d.train().with(new JsonObject().put("steps", steps).put("learningRate", 3e-3)
                .put("warmupSteps", 5).put("minLearningRate", 3e-4).put("emaDecay", 0.0).put("checkpointEvery", 0)
                .put("validateEvery", steps).put("logEvery", 10).put("seed", 3)), 16, 64, 0);
    }

    @Test
    void lossFallsOnASyntheticTokenSetForBothHeads(@TempDir Path dir) {
        TokenSequences train = synthetic(256, 1);
        TokenSequences heldOut = synthetic(32, 2);
        for (String head : List.of("factorized", "flat")) {
            ArTrainingConfig config = tiny(head, 60, 0f);
            List<TrainingProgress> events = new ArrayList<>();
            try (ImageArTrainingTask task = new ImageArTrainingTask(config, train, heldOut);
                 Trainer trainer = new Trainer(config.train(), task, dir.resolve(head))) {
                trainer.addListener(events::add);
                TrainingResult result = trainer.fit();
                double first = events.get(0).loss();
                double last = events.subList(50, 60).stream().mapToDouble(TrainingProgress::loss).average().orElseThrow();
                Map<String, Double> val = result.validation();
                System.out.printf("AR %s on synthetic tokens: loss %.3f -> %.3f nats, held-out %.3f bits/token "
                        + "(train probe %.3f, unigram %.3f)%n", head, first, last, val.get("val.bitsPerToken"),
                        val.get("val.trainBitsPerToken"), val.get("val.unigramBits"));
                // Zero-initialized heads: the first loss is exactly K ln 2 nats (8 bits).
                assertEquals(8 * Math.log(2), first, 1e-4);
                assertEquals(8.0, events.get(0).metrics().get("bitsPerToken"), 1e-4);
                assertTrue(last < first - 2.0, head + ": loss " + first + " -> " + last);
                assertTrue(val.get("val.bitsPerToken") < 5.5, head + ": held-out " + val.get("val.bitsPerToken"));
                assertTrue(events.get(0).metrics().containsKey(head.equals("flat") ? "ce" : "cePost"));
            }
        }
    }

    @Test
    void resumedRunWithDropoutContinuesExactly(@TempDir Path dir) {
        TokenSequences train = synthetic(64, 3);
        TokenSequences heldOut = synthetic(8, 4);
        ArTrainingConfig config = tiny("factorized", 8, 0.1f);
        Map<String, float[]> straight;
        try (ImageArTrainingTask task = new ImageArTrainingTask(config, train, heldOut);
             Trainer trainer = new Trainer(config.train(), task, dir.resolve("straight"))) {
            trainer.fit();
            straight = TrainingAssertions.weights(trainer.parameters());
        }
        Path run = dir.resolve("stopped");
        try (ImageArTrainingTask task = new ImageArTrainingTask(config, train, heldOut);
             Trainer trainer = new Trainer(config.train(), task, run)) {
            trainer.addListener(p -> {
                if (p.step() == 4) {
                    trainer.cancel();
                }
            });
            assertTrue(trainer.fit().cancelled());
        }
        try (ImageArTrainingTask task = new ImageArTrainingTask(config, train, heldOut);
             Trainer trainer = new Trainer(config.train(), task, run)) {
            assertTrue(trainer.resumeLatest());
            trainer.fit();
            assertEquals(0.0, TrainingAssertions.maxAbsDiff(straight, TrainingAssertions.weights(trainer.parameters())), 1e-6);
        }
    }
}
