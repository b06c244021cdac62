package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.data.Augmentation;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.eval.EmojiClassifierConfig;
import dev.tessera.image.eval.FdEmoji;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiClassifierTrainingTaskTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** Widths 8/16/16/16, GroupNorm(4), 16-d features, the 3 shape classes, no subcategory head. */
    static ClassifierTrainingConfig tiny(long steps) {
        TrainConfig train = ClassifierTrainingConfig.defaults().train().with(new JsonObject().put("steps", steps)
                .put("learningRate", 3e-3).put("warmupSteps", 5).put("minLearningRate", 3e-4).put("emaDecay", 0.0)
                .put("checkpointEvery", 0).put("validateEvery", steps).put("seed", 11));
        return new ClassifierTrainingConfig(new EmojiClassifierConfig(32, List.of(8, 16, 16, 16), 4, 16, 3, 0), train, 32,
                Augmentation.EMOJI, 0);
    }

    @Test
    void classifierLearnsAboveChanceAndItsFeaturesSeparateRealFromNoise(@TempDir Path dir) {
        ImageSet train = new ShapesGenerator(32, 5).generate(192);
        ImageSet heldOut = new ShapesGenerator(32, 6).generate(60);
        ClassifierTrainingConfig config = tiny(60);
        try (EmojiClassifierTrainingTask task = new EmojiClassifierTrainingTask(config, train, null, heldOut, null);
             Trainer trainer = new Trainer(config.train(), task, dir);
             NDManager m = NDManager.newBaseManager()) {
            double before = task.validate(m, 0).get("accuracy");

            TrainingResult result = trainer.fit();
            Map<String, Double> after = result.validation();
            System.out.printf("classifier on shapes, 60 steps: held-out accuracy %.3f -> %.3f%n", before,
                    after.get("val.accuracy"));
            // Chance is 1/3; rotated shapes in six colours take more than 60 steps of this tiny net to separate well.
            assertTrue(after.get("val.accuracy") >= 0.5, "accuracy " + after.get("val.accuracy"));
            assertTrue(after.get("val.accuracy") > before + 0.2);

            // FD-emoji with this extractor: a set against itself is 0, a second draw of shapes is far closer
            // than white noise, and the class-matched floor lies between.
            FdEmoji fd = new FdEmoji(task.classifier(), "test");
            FdEmoji.Embedding a = fd.embed(heldOut, m);
            FdEmoji.Embedding b = fd.embed(new ShapesGenerator(32, 7).generate(60), m);
            float[] noise = new float[60 * 3 * 32 * 32];
            java.util.SplittableRandom r = new java.util.SplittableRandom(8);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) r.nextDouble();
            }
            FdEmoji.Embedding c = fd.embed(noise, 32, m);
            double self = FdEmoji.distance(a, a);
            double shapes = FdEmoji.distance(a, b);
            double versusNoise = FdEmoji.distance(a, c);
            double floor = FdEmoji.floor(a, heldOut.labels(), fd.embed(train, m), train.labels(), 5, 1);
            System.out.printf("FD: self %.2e, shapes vs shapes %.4f, floor %.4f, shapes vs noise %.4f%n", self, shapes,
                    floor, versusNoise);
            assertEquals(0.0, self, 1e-6 * versusNoise);
            assertTrue(shapes < versusNoise / 5, shapes + " vs " + versusNoise);
            assertTrue(floor < versusNoise / 5, floor + " vs " + versusNoise);
            assertEquals(after.get("val.accuracy"), a.accuracy(heldOut.labels()), 1e-12);
        }
    }
}
