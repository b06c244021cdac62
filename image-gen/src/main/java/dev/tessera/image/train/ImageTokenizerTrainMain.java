package dev.tessera.image.train;

import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.StepTimer;
import dev.tessera.core.train.TerminalProgress;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.CommandLineArgs;
import dev.tessera.image.eval.TokenizerEvaluation;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the LFQ image tokenizer on the emoji set (specs/image.md 1.4) and exports its EMA weights:
 * <pre>
 *   ImageTokenizerTrainMain --data data/emoji --out runs/image-tokenizer --steps N [--resume] [--config JSON]
 *                           [--export models/image-tokenizer] [--validate-every N] [--checkpoint-every N]
 *                           [--log-every N] [--limit N] [--time N]
 * </pre>
 * <ul>
 *   <li>{@code --config}: a {@link TokenizerTrainingConfig} as inline JSON or a file; what it leaves out
 *       takes the spec's defaults. The run writes the full config to {@code <out>/tokenizer-run.json}; a
 *       {@code --resume} reads it back (and ignores {@code --config}), continuing from the newest
 *       checkpoint exactly. {@code --steps} may grow on resume.</li>
 *   <li>Validation (PSNR, SSIM, usage, perplexity on the held-out split, EMA weights) every
 *       {@code --validate-every} steps (default 1000) and at the end.</li>
 *   <li>At the end (also after Ctrl-C, which checkpoints first) the EMA weights go to
 *       {@code <export>/lfq-tokenizer.safetensors} + {@code .json} with a generated {@code MODEL_CARD.md}.</li>
 *   <li>{@code --time N}: N steps in a scratch folder, no validation or export; prints seconds per step.</li>
 *   <li>{@code --limit N}: train on the first N training images only (smoke runs).</li>
 *   <li>The optional PatchGAN + LeCAM ({@link TokenizerGan}) is switched on by the config:
 *       {@code --config '{"gan": {"enabled": true}}'}; it starts after 30% of the steps.</li>
 * </ul>
 */
public final class ImageTokenizerTrainMain {

    private static final Logger LOG = LoggerFactory.getLogger(ImageTokenizerTrainMain.class);
    public static final String RUN_CONFIG = "tokenizer-run.json";
    /** Every option: the parser, the usage line and {@code tessera train image-tokenizer --help} read this list. */
    public static final List<CommandLineArgs.Option> OPTIONS = List.of(
            CommandLineArgs.Option.value("--data", "DIR", "emoji folder of scripts/fetch-data emoji (data/emoji)"),
            CommandLineArgs.Option.value("--out", "DIR", "run folder: checkpoints, run config (runs/image-tokenizer)"),
            CommandLineArgs.Option.value("--steps", "N", "optimizer steps of the run; may grow on --resume (15000)"),
            CommandLineArgs.Option.flag("--resume", "continue exactly from the newest checkpoint in --out"),
            CommandLineArgs.Option.value("--config", "JSON|FILE", "settings over the spec's defaults, e.g. "
                    + "'{\"gan\":{\"enabled\":true}}' (ignored on --resume)"),
            CommandLineArgs.Option.value("--export", "DIR", "EMA weights, config and card at the end (models/image-tokenizer)"),
            CommandLineArgs.Option.value("--validate-every", "N", "steps between held-out PSNR/SSIM/usage (1000)"),
            CommandLineArgs.Option.value("--checkpoint-every", "N", "steps between checkpoints (the config's)"),
            CommandLineArgs.Option.value("--log-every", "N", "steps between log lines without a terminal"),
            CommandLineArgs.Option.value("--limit", "N", "train on the first N training images only, 0 = all (0)"),
            CommandLineArgs.Option.value("--time", "N", "time N steps in a scratch folder and print s/step"));
    public static final String USAGE = CommandLineArgs.usage("ImageTokenizerTrainMain", OPTIONS);

    private ImageTokenizerTrainMain() {
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

    /** Runs the command; returns the training result (null for {@code --time}). */
    static TrainingResult run(CommandLineArgs a) throws IOException {
        int time = a.intValue("--time", 0);
        boolean resume = a.flag("--resume") && time == 0;
        Path out = time > 0 ? Files.createTempDirectory("image-tokenizer-timing") : a.path("--out", Path.of("runs/image-tokenizer"));
        Path export = a.path("--export", Path.of("models/image-tokenizer"));
        Path data = a.path("--data", Path.of("data/emoji"));
        try {
            JsonObject runJson = TrainRuns.runConfig(out, RUN_CONFIG, resume,
                    TokenizerTrainingConfig.fromJson(TrainRuns.configArgument(a.string("--config", null))).toJson(),
                    a.has("--config"));
            TokenizerTrainingConfig config = TokenizerTrainingConfig.fromJson(runJson);
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
            if (a.has("--checkpoint-every") && time == 0) {
                overrides.put("checkpointEvery", a.longValue("--checkpoint-every", 0));
            }
            if (a.has("--log-every")) {
                overrides.put("logEvery", a.longValue("--log-every", 0));
            }
            TrainConfig trainConfig = config.train().with(overrides);
            config = config.withTrain(trainConfig);

            Engines.start();
            EmojiDataset dataset = EmojiDataset.load(data);
            ImageSet train = dataset.train();
            int limit = a.intValue("--limit", 0);
            if (limit > 0 && limit < train.count()) {
                train = train.subset(IntStream.range(0, limit).toArray());
            }
            ImageSet heldOut = dataset.heldOutSet();
            LOG.info("image tokenizer: {} training and {} held-out images ({}), K = {}, batch {}, {} steps, run folder {}",
                    train.count(), heldOut.count(), dataset.source(), config.tokenizer().bits(), config.batch(),
                    trainConfig.steps(), out);
            try (LfqTokenizerTrainingTask task = new LfqTokenizerTrainingTask(config, train, heldOut);
                 Trainer trainer = new Trainer(trainConfig, task, out);
                 TokenizerGan gan = config.gan().enabled() ? new TokenizerGan(config.gan(), trainConfig, out) : null;
                 TerminalProgress progress = new TerminalProgress("image-tokenizer", trainConfig.logEvery())) {
                if (trainer.ema() != null) {
                    task.useEma(trainer.ema()::weights);
                }
                if (gan != null) {
                    task.useGan(gan);
                    gan.onFailure(trainer::cancel);
                    trainer.addListener(gan);
                    LOG.info("image tokenizer: PatchGAN (ndf {}) with LeCAM from step {}", config.gan().ndf(),
                            config.gan().startStep(trainConfig.steps()));
                }
                StepTimer timer = new StepTimer();
                trainer.addListener(progress).addListener(timer);
                LOG.info("image tokenizer: {} parameters", trainer.parameters().count());
                if (resume && trainer.resumeLatest()) {
                    if (gan != null) {
                        gan.resume(trainer.step());
                    }
                    LOG.info("image tokenizer: resumed at step {}", trainer.step());
                }
                CountDownLatch done = TrainRuns.cancelOnShutdown(trainer);
                try {
                    TrainingResult result = trainer.fit();
                    if (gan != null && gan.failure() != null) {
                        throw gan.failure();
                    }
                    if (time > 0) {
                        System.out.printf(Locale.ROOT, "timing: %d steps, %.2f s/step after the first (first %.2f s), "
                                        + "batch %d, K = %d, %d parameters, %d intra-op threads%n", time,
                                timer.secondsPerStepAfterFirst(), timer.firstSeconds(), config.batch(),
                                config.tokenizer().bits(), trainer.parameters().count(),
                                ai.djl.pytorch.jni.JniUtils.getNumThreads());
                        return null;
                    }
                    if (result.step() > 0) {
                        Path file = trainer.exportWeights(export, TokenizerEvaluation.DEFAULT_NAME,
                                config.tokenizer().toJson(), true);
                        ModelCards.writeTokenizerCard(export, config, dataset, train.count(), result,
                                trainer.parameters().count(), "ImageTokenizerTrainMain " + String.join(" ", a.arguments()));
                        LOG.info("image tokenizer: exported the EMA weights of step {} to {}", result.step(), file);
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
}
