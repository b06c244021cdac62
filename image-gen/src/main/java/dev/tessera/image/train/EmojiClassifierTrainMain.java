package dev.tessera.image.train;

import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.StepTimer;
import dev.tessera.core.train.TerminalProgress;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.eval.CommandLineArgs;
import dev.tessera.image.eval.EmojiClassifier;
import dev.tessera.image.eval.FileHashes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the FD-emoji classifier (specs/image.md 4) on the emoji training split and exports it frozen:
 * <pre>
 *   EmojiClassifierTrainMain --data data/emoji --out runs/emoji-classifier --steps N [--resume]
 *                            [--config JSON|FILE] [--export models/emoji-classifier] [--validate-every N]
 *                            [--log-every N] [--time N]
 * </pre>
 * The export is {@code <export>/emoji-classifier.safetensors} + {@code .json} (EMA weights, the config with
 * the category and subcategory names) and a {@code MODEL_CARD.md} with the held-out accuracy and the
 * weights' SHA-256, which every FD-emoji score prints.
 */
public final class EmojiClassifierTrainMain {

    private static final Logger LOG = LoggerFactory.getLogger(EmojiClassifierTrainMain.class);
    public static final String RUN_CONFIG = "classifier-run.json";
    /** Every option: the parser, the usage line and {@code tessera train emoji-classifier --help} read this list. */
    public static final List<CommandLineArgs.Option> OPTIONS = List.of(
            CommandLineArgs.Option.value("--data", "DIR", "emoji folder of scripts/fetch-data emoji (data/emoji)"),
            CommandLineArgs.Option.value("--out", "DIR", "run folder: checkpoints, run config (runs/emoji-classifier)"),
            CommandLineArgs.Option.value("--steps", "N", "optimizer steps of the run (3000)"),
            CommandLineArgs.Option.flag("--resume", "continue exactly from the newest checkpoint in --out"),
            CommandLineArgs.Option.value("--config", "JSON|FILE", "settings over the spec's defaults (ignored on --resume)"),
            CommandLineArgs.Option.value("--export", "DIR", "frozen EMA weights and card at the end (models/emoji-classifier)"),
            CommandLineArgs.Option.value("--validate-every", "N", "steps between held-out accuracy checks"),
            CommandLineArgs.Option.value("--log-every", "N", "steps between log lines without a terminal"),
            CommandLineArgs.Option.value("--time", "N", "time N steps in a scratch folder and print s/step"));
    public static final String USAGE = CommandLineArgs.usage("EmojiClassifierTrainMain", OPTIONS);

    private EmojiClassifierTrainMain() {
    }

    public static void main(String[] argv) throws IOException {
        CommandLineArgs a;
        try {
            a = CommandLineArgs.parse(argv, USAGE, OPTIONS);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(a);
    }

    static TrainingResult run(CommandLineArgs a) throws IOException {
        int time = a.intValue("--time", 0);
        boolean resume = a.flag("--resume") && time == 0;
        Path out = time > 0 ? Files.createTempDirectory("emoji-classifier-timing") : a.path("--out", Path.of("runs/emoji-classifier"));
        Path export = a.path("--export", Path.of("models/emoji-classifier"));
        try {
            JsonObject runJson = TrainRuns.runConfig(out, RUN_CONFIG, resume,
                    ClassifierTrainingConfig.fromJson(TrainRuns.configArgument(a.string("--config", null))).toJson(),
                    a.has("--config"));
            ClassifierTrainingConfig config = ClassifierTrainingConfig.fromJson(runJson);
            JsonObject overrides = new JsonObject();
            if (time > 0) {
                overrides.put("steps", time).put("validateEvery", 0).put("checkpointEvery", 0)
                        .put("warmupSteps", Math.min(time, config.train().warmupSteps()));
            } else if (a.has("--steps")) {
                overrides.put("steps", a.longValue("--steps", 0));
            }
            if (a.has("--validate-every") && time == 0) {
                overrides.put("validateEvery", a.longValue("--validate-every", 0));
            }
            if (a.has("--log-every")) {
                overrides.put("logEvery", a.longValue("--log-every", 0));
            }
            TrainConfig trainConfig = config.train().with(overrides);
            config = config.withTrain(trainConfig);

            Engines.start();
            EmojiDataset d = EmojiDataset.load(a.path("--data", Path.of("data/emoji")));
            int[] trainSub = select(d.subcategories(), d.trainIndices());
            int[] heldSub = select(d.subcategories(), d.heldOutIndices());
            config = new ClassifierTrainingConfig(config.classifier().withClasses(d.categoryNames().size(),
                    config.classifier().numSubcategories() == 0 ? 0 : d.subcategoryNames().size()), trainConfig,
                    config.batch(), config.augmentation(), config.subcategoryWeight());
            try (EmojiClassifierTrainingTask task = new EmojiClassifierTrainingTask(config, d.train(), trainSub,
                    d.heldOutSet(), heldSub);
                 Trainer trainer = new Trainer(trainConfig, task, out);
                 TerminalProgress progress = new TerminalProgress("emoji-classifier", trainConfig.logEvery())) {
                if (trainer.ema() != null) {
                    task.useEma(trainer.ema()::weights);
                }
                StepTimer timer = new StepTimer();
                trainer.addListener(progress).addListener(timer);
                LOG.info("emoji classifier: {} parameters, {} training and {} held-out images, {} steps, run folder {}",
                        trainer.parameters().count(), d.trainIndices().length, d.heldOutIndices().length,
                        trainConfig.steps(), out);
                if (resume && trainer.resumeLatest()) {
                    LOG.info("emoji classifier: resumed at step {}", trainer.step());
                }
                CountDownLatch done = TrainRuns.cancelOnShutdown(trainer);
                try {
                    TrainingResult result = trainer.fit();
                    if (time > 0) {
                        System.out.printf(Locale.ROOT, "timing: %d steps, %.3f s/step after the first, batch %d%n", time,
                                timer.secondsPerStepAfterFirst(), config.batch());
                        return null;
                    }
                    if (result.step() > 0) {
                        JsonObject c = config.classifier().toJson()
                                .put("categories", new JsonArray(new ArrayList<>(d.categoryNames())))
                                .put("subcategories", new JsonArray(new ArrayList<>(d.subcategoryNames())))
                                .put("training", new JsonObject().put("step", result.step())
                                        .put("heldOutAccuracy", result.validation().get("val.accuracy")));
                        trainer.exportWeights(export, EmojiClassifier.NAME, c, true);
                        String sha = FileHashes.sha256(Checkpoint.tensorsFile(export, EmojiClassifier.NAME));
                        ModelCards.writeClassifierCard(export, config, d, result, trainer.parameters().count(), sha,
                                "EmojiClassifierTrainMain " + String.join(" ", a.arguments()));
                        LOG.info("emoji classifier: exported to {} (sha256 {}), held-out accuracy {}", export,
                                sha.substring(0, 12), result.validation().get("val.accuracy"));
                    }
                    return result;
                } finally {
                    done.countDown();
                }
            }
        } finally {
            if (time > 0) {
                TrainRuns.deleteTree(out);
            }
        }
    }

    private static int[] select(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }
}
