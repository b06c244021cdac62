package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingProgress;
import dev.tessera.image.data.Augmentation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerGanTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** The tiny tokenizer of LfqTokenizerTrainingTaskTest with a PatchGAN of ndf 8 from half-way. */
    static TokenizerTrainingConfig tinyWithGan(long steps) {
        TokenizerTrainingConfig t = LfqTokenizerTrainingTaskTest.tiny(steps, 0.9);
        return new TokenizerTrainingConfig(t.tokenizer(), t.train().with(new JsonObject().put("validateEvery", 0)
                .put("checkpointEvery", 2)), 8, Augmentation.EMOJI, 0, 24, new GanConfig(true, 0.5, 0.1, 0.01, 0.999, 8));
    }

    @Test
    void discriminatorIsTheSpecsPatchGanWithTwoByTwoLogitsAt32Pixels() {
        PatchDiscriminator d = new PatchDiscriminator(64);
        // conv 3->64 (+bias), 64->128, 128->256, 256->512 (BatchNorm gain and shift each), 512->1 (+bias); 4x4 kernels.
        assertEquals(64 * 3 * 16 + 64 + 128 * 64 * 16 + 256 + 256 * 128 * 16 + 512 + 512 * 256 * 16 + 1024 + 512 * 16 + 1,
                d.parameterCount());
        assertEquals(2_765_633, d.parameterCount());
        try (NDManager m = NDManager.newBaseManager()) {
            PatchDiscriminator small = new PatchDiscriminator(8);
            small.initialize(m);
            assertEquals(new Shape(3, 1, 2, 2), small.forward(new ParameterStore(m, false), m.zeros(new Shape(3, 3, 32, 32)),
                    true).getShape());
        }
    }

    @Test
    void ganStartsAfterTheWarmUpAndResumesExactly(@TempDir Path dir) throws Exception {
        TokenizerTrainingConfig config = tinyWithGan(8);
        Map<String, float[]> straightG;
        Map<String, float[]> straightD;
        List<TrainingProgress> events = new ArrayList<>();
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, LfqTokenizerTrainingTaskTest.TRAIN,
                LfqTokenizerTrainingTaskTest.HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, dir.resolve("straight"));
             TokenizerGan gan = new TokenizerGan(config.gan(), config.train(), dir.resolve("straight"))) {
            task.useGan(gan);
            trainer.addListener(gan).addListener(events::add);
            TrainableParameters d = new TrainableParameters(gan.discriminator());
            Map<String, float[]> initialD = TrainingAssertions.weights(d);
            trainer.addListener(p -> {
                if (p.step() == 4) { // steps 0..3 ran without the GAN (start = 0.5 x 8)
                    assertEquals(0.0, TrainingAssertions.maxAbsDiff(initialD, TrainingAssertions.weights(d)));
                }
            });
            trainer.fit();
            assertNull(gan.failure());
            straightG = TrainingAssertions.weights(trainer.parameters());
            straightD = TrainingAssertions.weights(d);
            assertTrue(TrainingAssertions.maxAbsDiff(initialD, straightD) > 1e-4, "D did not move");
            assertFalse(events.get(3).metrics().containsKey("ganG"));
            assertTrue(events.get(4).metrics().containsKey("ganG"));
            assertFalse(events.get(4).metrics().containsKey("ganD")); // D reports after its first step
            Map<String, Double> last = events.get(7).metrics();
            System.out.printf("tokenizer GAN: step 8 %s%n", last);
            for (String k : List.of("ganG", "ganD", "lecam", "logitReal", "logitFake")) {
                assertTrue(Double.isFinite(last.get(k)), k + " = " + last.get(k));
            }
            // The discriminator's state sits beside the trainer's checkpoints, pruned with them (keep 3 of 2, 4, 6, 8).
            assertTrue(Files.exists(dir.resolve("straight/gan-step-000008.safetensors")));
            assertFalse(Files.exists(dir.resolve("straight/gan-step-000002.safetensors")));
        }
        Path run = dir.resolve("stopped");
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, LfqTokenizerTrainingTaskTest.TRAIN,
                LfqTokenizerTrainingTaskTest.HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, run);
             TokenizerGan gan = new TokenizerGan(config.gan(), config.train(), run)) {
            task.useGan(gan);
            trainer.addListener(gan).addListener(p -> {
                if (p.step() == 5) {
                    trainer.cancel();
                }
            });
            assertTrue(trainer.fit().cancelled());
        }
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, LfqTokenizerTrainingTaskTest.TRAIN,
                LfqTokenizerTrainingTaskTest.HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, run);
             TokenizerGan gan = new TokenizerGan(config.gan(), config.train(), run)) {
            task.useGan(gan);
            trainer.addListener(gan);
            assertTrue(trainer.resumeLatest());
            assertEquals(5, trainer.step());
            gan.resume(5);
            trainer.fit();
            double g = TrainingAssertions.maxAbsDiff(straightG, TrainingAssertions.weights(trainer.parameters()));
            double d = TrainingAssertions.maxAbsDiff(straightD,
                    TrainingAssertions.weights(new TrainableParameters(gan.discriminator())));
            System.out.printf("tokenizer GAN resume: max |G - G'| = %.3g, max |D - D'| = %.3g%n", g, d);
            assertEquals(0.0, g, 1e-6);
            assertEquals(0.0, d, 1e-6);
        }
    }
}
