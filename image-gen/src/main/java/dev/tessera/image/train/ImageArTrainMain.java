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
import dev.tessera.image.eval.TokenizerEvaluation;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a class-conditional AR model of image tokens (specs/image.md 2.4), the factorized head or the flat
 * baseline, on the emoji set tokenized once by a frozen tokenizer:
 * <pre>
 *   ImageArTrainMain --head factorized|flat --data data/emoji --tokenizer models/image-tokenizer
 *                    --out runs/image-ar-factorized --steps N [--resume] [--config JSON|FILE]
 *                    [--export models/image-ar-factorized] [--validate-every N] [--checkpoint-every N]
 *                    [--patience N] [--log-every N] [--time N]
 * </pre>
 * <ul>
 *   <li>Tokens: every training image and its flip, and the held-out images, tokenized by
 *       {@code <tokenizer>/lfq-tokenizer} and cached in {@code <out>/tokens.safetensors} (keyed by the
 *       tokenizer's SHA-256). K comes from the tokenizer.</li>
 *   <li>{@code --config}: an {@link ArTrainingConfig} as inline JSON or a file, over the spec's defaults;
 *       saved as {@code <out>/ar-run.json} and read back by {@code --resume} (which then ignores it).</li>
 *   <li>Validation every {@code --validate-every} steps (default 500): held-out bits/token with the EMA
 *       weights. Each new best is exported at once to {@code <export>/image-ar.safetensors} + {@code .json}
 *       with a {@code MODEL_CARD.md}; {@code --patience} validations without improvement stop the run
 *       (default 5, 0 = never).</li>
 *   <li>The exported config is the model's, plus {@code tokenizer} (folder, name, SHA-256),
 *       {@code categories} (class names by index), {@code preview} ({@code neutralCode}, the most frequent
 *       training token, and {@code positionModes}, the most frequent token per position; specs/image.md 3)
 *       and {@code training} (step, held-out bits/token, run folder).</li>
 *   <li>{@code --time N}: N steps on uniformly random tokens of the tokenizer's K (no tokenization, no
 *       validation, scratch folder); prints seconds per step.</li>
 * </ul>
 */
public final class ImageArTrainMain {

    private static final Logger LOG = LoggerFactory.getLogger(ImageArTrainMain.class);
    public static final String RUN_CONFIG = "ar-run.json";
    /** Checkpoint name of an AR model in its model folder. */
    public static final String MODEL_NAME = dev.tessera.image.ar.ImageTokenModels.CHECKPOINT;
    /** Every option: the parser, the usage line and {@code tessera train image-ar --help} read this list. */
    public static final List<CommandLineArgs.Option> OPTIONS = List.of(
            CommandLineArgs.Option.value("--head", "factorized|flat", "the factorized head or the flat baseline (factorized)"),
            CommandLineArgs.Option.value("--data", "DIR", "emoji folder of scripts/fetch-data emoji (data/emoji)"),
            CommandLineArgs.Option.value("--tokenizer", "DIR", "folder of the frozen lfq-tokenizer (models/image-tokenizer)"),
            CommandLineArgs.Option.value("--out", "DIR", "run folder: tokens, checkpoints, run config (runs/image-ar-<head>)"),
            CommandLineArgs.Option.value("--steps", "N", "optimizer steps of the run; may grow on --resume (15000)"),
            CommandLineArgs.Option.flag("--resume", "continue exactly from the newest checkpoint in --out"),
            CommandLineArgs.Option.value("--config", "JSON|FILE", "settings over the spec's defaults, e.g. "
                    + "'{\"train\":{\"learningRate\":1e-3}}' (ignored on --resume)"),
            CommandLineArgs.Option.value("--export", "DIR", "each new best by held-out bits/token (models/image-ar-<head>)"),
            CommandLineArgs.Option.value("--validate-every", "N", "steps between held-out bits/token (500)"),
            CommandLineArgs.Option.value("--checkpoint-every", "N", "steps between checkpoints (the config's)"),
            CommandLineArgs.Option.value("--patience", "N", "validations without a new best before stopping, 0 = never (5)"),
            CommandLineArgs.Option.value("--log-every", "N", "steps between log lines without a terminal"),
            CommandLineArgs.Option.value("--time", "N", "time N steps on random tokens in a scratch folder, print s/step"));
    public static final String USAGE = CommandLineArgs.usage("ImageArTrainMain", OPTIONS);

    private ImageArTrainMain() {
    }

    public static void main(String[] argv) throws IOException {
        CommandLineArgs a;
        try {
            a = CommandLineArgs.parse(argv, USAGE, OPTIONS);
            String head = a.string("--head", "factorized");
            if (!head.equals("factorized") && !head.equals("flat")) {
                throw new IllegalArgumentException("--head must be factorized or flat, got '" + head + "'\n" + USAGE);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(a);
    }

    static TrainingResult run(CommandLineArgs a) throws IOException {
        String head = a.string("--head", "factorized");
        int time = a.intValue("--time", 0);
        boolean resume = a.flag("--resume") && time == 0;
        Path tokenizerDir = a.path("--tokenizer", Path.of("models/image-tokenizer"));
        String tokenizerName = TokenizerEvaluation.DEFAULT_NAME;
        Path out = time > 0 ? Files.createTempDirectory("image-ar-timing") : a.path("--out", Path.of("runs/image-ar-" + head));
        Path export = a.path("--export", Path.of("models/image-ar-" + head));
        try {
            int bits = LfqTokenizerConfig.fromJson(Checkpoint.load(tokenizerDir, tokenizerName).config()).bits();
            JsonObject runJson = TrainRuns.runConfig(out, RUN_CONFIG, resume,
                    ArTrainingConfig.fromJson(TrainRuns.configArgument(a.string("--config", null)), head, bits).toJson(),
                    a.has("--config"));
            ArTrainingConfig config = ArTrainingConfig.fromJson(runJson);
            if (!config.head().equals(head) || config.bits() != bits) {
                throw new IllegalArgumentException("the run is a " + config.head() + " head of K = " + config.bits()
                        + "; --head " + head + " with a K = " + bits + " tokenizer does not match it");
            }
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
            int patience = a.intValue("--patience", config.patience());

            Engines.start();
            TokenCache.Tokens tokens;
            List<String> categories;
            String source;
            if (time > 0) {
                tokens = new TokenCache.Tokens(randomTokens(6_814, bits, 1), randomTokens(379, bits, 2), "random");
                categories = List.of();
                source = "uniformly random tokens (timing)";
            } else {
                EmojiDataset dataset = EmojiDataset.load(a.path("--data", Path.of("data/emoji")));
                tokens = TokenCache.loadOrTokenize(out, tokenizerDir, tokenizerName, dataset, 64);
                categories = dataset.categoryNames();
                source = dataset.source();
            }
            LOG.info("image AR ({}): {} training and {} held-out sequences ({}), K = {}, batch {}, {} steps, run folder {}",
                    head, tokens.train().count(), tokens.heldOut().count(), source, bits, config.batch(),
                    trainConfig.steps(), out);
            try (ImageArTrainingTask task = new ImageArTrainingTask(config, tokens.train(), tokens.heldOut());
                 Trainer trainer = new Trainer(trainConfig, task, out);
                 TerminalProgress progress = new TerminalProgress("image-ar-" + head, trainConfig.logEvery())) {
                if (trainer.ema() != null) {
                    task.useEma(trainer.ema()::weights);
                }
                StepTimer timer = new StepTimer();
                trainer.addListener(progress).addListener(timer);
                LOG.info("image AR ({}): {} parameters", head, trainer.parameters().count());
                if (resume && trainer.resumeLatest()) {
                    LOG.info("image AR ({}): resumed at step {}", head, trainer.step());
                }
                ArTrainingConfig finalConfig = config;
                String command = "ImageArTrainMain " + String.join(" ", a.arguments());
                JsonObject exportConfig = task.model().configJson().copy()
                        .put("tokenizer", new JsonObject().put("dir", tokenizerDir.toString()).put("name", tokenizerName)
                                .put("sha256", tokens.tokenizerSha256()))
                        .put(dev.tessera.image.ar.ImageTokenModels.CATEGORIES_KEY, new JsonArray(new ArrayList<>(categories)))
                        .put("preview", new JsonObject().put("neutralCode", tokens.train().neutralCode())
                                .put("positionModes", longs(tokens.train().positionModes())));
                EarlyStopping stopping = new EarlyStopping("val.bitsPerToken", patience,
                        resume ? exportedBest(export, out) : Double.POSITIVE_INFINITY, (step, value) -> {
                            JsonObject c = exportConfig.copy().put("training", new JsonObject().put("step", step)
                                    .put("heldOutBitsPerToken", value).put("run", out.toAbsolutePath().toString())
                                    .put("tokenizer", tokenizerDir.resolve(tokenizerName).toString()));
                            trainer.exportWeights(export, MODEL_NAME, c, true);
                            ModelCards.writeArCard(export, finalConfig, tokens, source, c.getJsonObject("training"),
                                    trainer.parameters().count(), null, command);
                            LOG.info("image AR ({}): new best held-out {} bits/token at step {}; exported to {}", head,
                                    String.format(Locale.ROOT, "%.4f", value), step, export);
                        }, trainer::cancel);
                if (time == 0) {
                    trainer.addListener(stopping);
                }
                CountDownLatch done = TrainRuns.cancelOnShutdown(trainer);
                try {
                    TrainingResult result = trainer.fit();
                    if (time > 0) {
                        System.out.printf(Locale.ROOT, "timing: %d steps, %.2f s/step after the first (first %.2f s), "
                                        + "%s head, batch %d, K = %d, %d parameters, %d intra-op threads%n", time,
                                timer.secondsPerStepAfterFirst(), timer.firstSeconds(), head, config.batch(), bits,
                                trainer.parameters().count(), ai.djl.pytorch.jni.JniUtils.getNumThreads());
                        return null;
                    }
                    if (stopping.bestStep() < 0 && !Checkpoint.exists(export, MODEL_NAME) && result.step() > 0) {
                        // No validation ran (validateEvery 0): export what there is.
                        JsonObject c = exportConfig.copy().put("training", new JsonObject().put("step", result.step())
                                .put("run", out.toAbsolutePath().toString())
                                .put("tokenizer", tokenizerDir.resolve(tokenizerName).toString()));
                        trainer.exportWeights(export, MODEL_NAME, c, true);
                    }
                    if (Checkpoint.exists(export, MODEL_NAME)) {
                        // The card again, now with the run's wall time and how it ended.
                        JsonObject training = Checkpoint.load(export, MODEL_NAME).config().getJsonObject("training",
                                new JsonObject());
                        ModelCards.writeArCard(export, config, tokens, source, training, trainer.parameters().count(),
                                result, command);
                    }
                    LOG.info("image AR ({}): stopped at step {}; best held-out {} bits/token (K = {}, unigram {})", head,
                            result.step(), String.format(Locale.ROOT, "%.4f", stopping.best()), bits,
                            result.validation().get("val.unigramBits"));
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

    /** The best held-out bits/token exported by this run folder in an earlier session, or +Infinity. */
    static double exportedBest(Path export, Path runDir) throws IOException {
        if (!Checkpoint.exists(export, MODEL_NAME)) {
            return Double.POSITIVE_INFINITY;
        }
        JsonObject training = Checkpoint.load(export, MODEL_NAME).config().getJsonObject("training", new JsonObject());
        if (!runDir.toAbsolutePath().toString().equals(training.getString("run"))) {
            return Double.POSITIVE_INFINITY;
        }
        return training.getDouble("heldOutBitsPerToken", Double.POSITIVE_INFINITY);
    }

    static TokenSequences randomTokens(int n, int bits, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] t = new long[n * 64];
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = r.nextInt(10);
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextLong(1L << bits);
        }
        return new TokenSequences(bits, 64, t, c);
    }

    private static JsonArray longs(long[] v) {
        JsonArray a = new JsonArray();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }
}
