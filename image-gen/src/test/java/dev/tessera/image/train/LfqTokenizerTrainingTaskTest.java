package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingProgress;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.data.Augmentation;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LfqTokenizerTrainingTaskTest {

    static final ImageSet TRAIN = new ShapesGenerator(32, 1).generate(96);
    static final ImageSet HELD_OUT = new ShapesGenerator(32, 2).generate(24);

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** Widths 8/16/16, GroupNorm(4), one block per level, K = 8: the default's shape at about 1/100 of its cost. */
    static TokenizerTrainingConfig tiny(long steps, double emaDecay) {
        LfqTokenizerConfig tokenizer = new LfqTokenizerConfig(32, 8, List.of(1, 2, 2), 1, 4, true, false, 1,
                LookupFreeQuantizerConfig.defaults(8));
        TrainConfig train = TokenizerTrainingConfig.defaults().train().with(new JsonObject().put("steps", steps)
                .put("learningRate", 2e-3).put("minLearningRate", 2e-4).put("emaDecay", emaDecay)
                .put("checkpointEvery", 0).put("validateEvery", steps).put("logEvery", 10).put("seed", 7));
        return new TokenizerTrainingConfig(tokenizer, train, 16, Augmentation.EMOJI, 0, 24, GanConfig.defaults());
    }

    @Test
    void eightyStepsOnShapesRaisePsnrAndCodebookUsage(@TempDir Path dir) {
        TokenizerTrainingConfig config = tiny(80, 0);
        List<TrainingProgress> events = new ArrayList<>();
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, TRAIN, HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, dir)) {
            trainer.addListener(events::add);
            Map<String, Double> before;
            try (NDManager m = NDManager.newBaseManager()) {
                before = task.validate(m, 0);
            }
            TrainingResult result = trainer.fit();
            Map<String, Double> after = result.validation();
            System.out.printf("tokenizer on shapes, 80 steps: before %s%n  after %s%n  first %s%n  last %s%n", before, after,
                    events.get(0).metrics(), events.get(79).metrics());
            assertTrue(after.get("val.psnr") > before.get("psnr") + 5, "PSNR " + before.get("psnr") + " -> "
                    + after.get("val.psnr"));
            assertTrue(after.get("val.usage") > before.get("usage"), "usage " + before.get("usage") + " -> "
                    + after.get("val.usage"));
            assertTrue(after.get("val.ssim") > before.get("ssim"));
            // Every loss term is reported by name; the bound is ln min(16 x 64, 2^8) = ln 256.
            Map<String, Double> terms = events.get(0).metrics();
            for (String k : List.of("l1", "commitment", "sampleEntropy", "codebookEntropy", "entropyPenalty")) {
                assertTrue(terms.containsKey(k), "missing " + k + " in " + terms.keySet());
            }
            assertEquals(Math.log(256), terms.get("entropyBound"), 1e-5);
        }
    }

    @Test
    void resumedRunContinuesExactlyWithEmaValidationInBetween(@TempDir Path dir) throws Exception {
        long n = 6;
        // Validation every 4 steps swaps the EMA weights in and out: it must leave training untouched.
        TokenizerTrainingConfig config = tiny(2 * n, 0.9).withTrain(tiny(2 * n, 0.9).train()
                .with(new JsonObject().put("validateEvery", 4)));
        Map<String, float[]> straight;
        Map<String, float[]> straightEma;
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, TRAIN, HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, dir.resolve("straight"))) {
            task.useEma(trainer.ema()::weights);
            trainer.fit();
            straight = TrainingAssertions.weights(trainer.parameters());
            straightEma = TrainingAssertions.floats(trainer.ema().weights());
        }
        Path run = dir.resolve("stopped");
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, TRAIN, HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, run)) {
            task.useEma(trainer.ema()::weights);
            trainer.addListener(p -> {
                if (p.step() == n) {
                    trainer.cancel();
                }
            });
            assertTrue(trainer.fit().cancelled());
        }
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, TRAIN, HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, run)) {
            task.useEma(trainer.ema()::weights);
            Map<String, float[]> initial = TrainingAssertions.weights(trainer.parameters());
            assertTrue(TrainingAssertions.maxAbsDiff(straight, initial) > 1e-3, "the weights hardly moved");
            assertTrue(trainer.resumeLatest());
            assertEquals(n, trainer.step());
            trainer.fit();
            Map<String, float[]> resumed = TrainingAssertions.weights(trainer.parameters());
            double diff = TrainingAssertions.maxAbsDiff(straight, resumed);
            double emaDiff = TrainingAssertions.maxAbsDiff(straightEma, TrainingAssertions.floats(trainer.ema().weights()));
            System.out.printf("tokenizer resume: max |w - w'| = %.3g, EMA %.3g%n", diff, emaDiff);
            assertEquals(0.0, diff, 1e-6);
            assertEquals(0.0, emaDiff, 1e-6);
        }
    }
}
