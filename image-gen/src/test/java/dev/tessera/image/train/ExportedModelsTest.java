package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.Trainer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.eval.TokenizerEvaluation;
import dev.tessera.image.lfq.LfqTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the training runs export loads with the model classes' own loaders, as the sampler will load it. */
class ExportedModelsTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void exportedTokenizerLoadsAndReconstructsLikeTheEmaWeights(@TempDir Path dir) throws Exception {
        TokenizerTrainingConfig config = LfqTokenizerTrainingTaskTest.tiny(5, 0.5);
        try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, LfqTokenizerTrainingTaskTest.TRAIN,
                LfqTokenizerTrainingTaskTest.HELD_OUT);
             Trainer trainer = new Trainer(config.train(), task, dir.resolve("run"));
             NDManager m = NDManager.newBaseManager()) {
            trainer.fit();
            trainer.exportWeights(dir.resolve("model"), TokenizerEvaluation.DEFAULT_NAME, config.tokenizer().toJson(), true);
            LfqTokenizer loaded = LfqTokenizer.load(dir.resolve("model"), TokenizerEvaluation.DEFAULT_NAME, m);
            assertEquals(config.tokenizer(), loaded.config());
            float[] viaExport = TokenizerEvaluation.reconstruct(loaded, LfqTokenizerTrainingTaskTest.HELD_OUT, m, 8)
                    .reconstructions();
            float[] viaEma = EmaWeights.with(task.tokenizer(), trainer.ema()::weights, m, () ->
                    TokenizerEvaluation.reconstruct(task.tokenizer(), LfqTokenizerTrainingTaskTest.HELD_OUT, m, 8)
                            .reconstructions());
            assertArrayEquals(viaEma, viaExport, 0f);
        }
    }

    @Test
    void exportedArModelLoadsAndScoresLikeTheEmaWeights(@TempDir Path dir) throws Exception {
        TokenSequences train = ImageArTrainingTaskTest.synthetic(32, 1);
        TokenSequences heldOut = ImageArTrainingTaskTest.synthetic(8, 2);
        ArTrainingConfig config = ImageArTrainingTaskTest.tiny("factorized", 6, 0.1f);
        config = config.withTrain(config.train().with(new io.vertx.core.json.JsonObject().put("emaDecay", 0.5)));
        try (ImageArTrainingTask task = new ImageArTrainingTask(config, train, heldOut);
             Trainer trainer = new Trainer(config.train(), task, dir.resolve("run"));
             NDManager m = NDManager.newBaseManager()) {
            task.useEma(trainer.ema()::weights);
            trainer.fit();
            trainer.exportWeights(dir.resolve("model"), ImageArTrainMain.MODEL_NAME,
                    task.model().configJson().copy().put("categories", new io.vertx.core.json.JsonArray()), true);
            ImageTokenModel loaded = ImageTokenModels.load(dir.resolve("model"), ImageArTrainMain.MODEL_NAME, m);
            assertEquals(config.model(), loaded.configJson());
            double exported = dev.tessera.image.eval.BitsPerToken.evaluate(loaded, heldOut.tokens(), heldOut.classes(), 64, m, 8)
                    .bitsPerToken();
            assertEquals(task.validate(m, 6).get("bitsPerToken"), exported, 1e-5);
        }
    }
}
