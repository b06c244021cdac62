package dev.tessera.distill.turbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.discriminator.CombinedDiscriminator;
import dev.tessera.audio.discriminator.Discriminator;
import dev.tessera.audio.discriminator.GanStep;
import dev.tessera.audio.discriminator.GanStepResult;
import dev.tessera.audio.discriminator.MultiPeriodDiscriminator;
import dev.tessera.audio.discriminator.MultiPeriodDiscriminatorConfig;
import dev.tessera.audio.discriminator.MultiScaleMelLoss;
import dev.tessera.audio.discriminator.MultiScaleStftDiscriminator;
import dev.tessera.audio.discriminator.MultiScaleStftDiscriminatorConfig;
import dev.tessera.audio.discriminator.MultiScaleSubBandCqtDiscriminator;
import dev.tessera.audio.discriminator.MultiScaleSubBandCqtDiscriminatorConfig;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.metrics.MultiResolutionStftDistance;
import dev.tessera.audio.metrics.PitchMetrics;
import dev.tessera.audio.metrics.PitchScores;
import dev.tessera.audio.vocoder.CounterNoise;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.TrainingCheckpoints;
import dev.tessera.core.train.TrainingListener;
import dev.tessera.core.train.TrainingProgress;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.core.train.TrainingSlot;
import dev.tessera.image.eval.NoGradient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Adversarial fine-tuning of a PeriodWave student into an N-step generator (audio spec 4): a plain loop of
 * {@link GanStep}s (one discriminator update, then one generator update, each with its own AdamW) over random
 * crops of the speech corpus, with checkpoints, exact resume, progress and validation.
 *
 * <p>A step draws {@code batch} crops of {@code segment} samples ({@link Seeds#stream} "turbo-data", step),
 * their log-mel with the project's front end, and ε from libtorch re-seeded for the step ("turbo", step);
 * x̂ = {@link TurboGenerator#generate}. So a step's data and noise are a function of (seed, step), and a run
 * resumed from a checkpoint repeats the steps an uninterrupted run would have taken.
 *
 * <p>A checkpoint ({@link TrainingCheckpoints}, every {@code checkpointEvery} steps and at the end) holds
 * {@code g.*} (the student), {@code d.*} (the discriminators), {@code g.adamw.*} and {@code d.adamw.*} (both
 * optimizers' moments), and as its config the step, the update counts, the wall time, this config and the
 * student's {@code VocoderConfig}.
 *
 * <p>Validation (every {@code validateEvery} steps and at the end) vocodes the first {@code validationClips}
 * held-out utterances (their middle {@code validationSamples} samples) with the student at its N steps and
 * fixed counter-based noise, and reports {@code val.mstft} (spec 6.1), {@code val.f0_rmse_cents} and
 * {@code val.vuv_f1} (spec 6.3), averaged over the clips.
 */
public final class TurboTrainer implements AutoCloseable {

    /** Checkpoints kept in the run folder. */
    public static final int KEEP = 3;
    private static final long VALIDATION_SEED = 7;

    private final TurboConfig config;
    private final PeriodWave student;
    private final TurboGenerator generator;
    private final TurboGenerator guide;
    private final Discriminator discriminator;
    private final SpeechCorpus train;
    private final float[] validationAudio;
    private final int validationClips;
    private final TrainingCheckpoints checkpoints;
    private final NDManager manager;
    private final GanStep gan;
    private final MelSpectrogram mel = MelSpectrogram.hifiGan();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private long step;
    private double trainSeconds;

    /**
     * @param student the generator's weights (the teacher's, a subclone or the previous student), initialized
     * @param validation held-out utterances, or null for none
     * @param runDir where checkpoints go
     * @param parent owns the discriminators and the optimizer state (a sub-manager closed by {@link #close()})
     */
    public TurboTrainer(TurboConfig config, PeriodWave student, SpeechCorpus train, SpeechCorpus validation,
                        Path runDir, NDManager parent) {
        this(config, student, null, train, validation, runDir, parent);
    }

    /**
     * @param guide a frozen vocoder (the teacher) whose {@code guideSteps}-step output for the step's mel and
     *     noise the student is pulled towards with weight {@code guideWeight}; required when the config is
     *     {@link TurboConfig#guided()}, else ignored
     */
    public TurboTrainer(TurboConfig config, PeriodWave student, PeriodWave guide, SpeechCorpus train,
                        SpeechCorpus validation, Path runDir, NDManager parent) {
        if (config.guided() && guide == null) {
            throw new IllegalArgumentException("guideWeight " + config.guideWeight() + " needs a guide vocoder");
        }
        // Every step's crops and noise derive from the run's seed (Seeds.stream, Seeds.seedEngine), so a
        // resumed run repeats them whatever seeded the engine before.
        Seeds.seedAll(config.seed());
        this.config = config;
        this.student = student;
        this.generator = new TurboGenerator(student, config);
        this.guide = config.guided() ? new TurboGenerator(guide, config.guideSteps(), config.temperature()) : null;
        this.train = train;
        this.checkpoints = new TrainingCheckpoints(runDir);
        this.manager = parent.newSubManager();
        Seeds.seedEngine("turbo-discriminator", 0);
        this.discriminator = discriminators(config.discriminators());
        discriminator.initialize(manager);
        this.gan = new GanStep(manager, student, discriminator, MultiScaleMelLoss.turbo(), config.ganStep());
        int n = config.validationSamples();
        this.validationClips = validation == null ? 0 : Math.min(config.validationClips(), validation.size());
        this.validationAudio = new float[validationClips * n];
        for (int i = 0; i < validationClips; i++) {
            SpeechCorpus.Utterance u = validation.get(i);
            u.crop(Math.max(0, (u.length() - n) / 2), n, validationAudio, i * n);
        }
    }

    /** The named discriminators (tiny CPU widths), combined in order: {@code mpd}, {@code cqt}, {@code stft}. */
    public static Discriminator discriminators(List<String> names) {
        List<Discriminator> parts = new ArrayList<>();
        for (String name : names) {
            parts.add(switch (name) {
                case "mpd" -> new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny());
                case "cqt" -> new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny());
                case "stft" -> new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny());
                default -> throw new IllegalArgumentException("unknown discriminator '" + name + "'; choose from "
                        + TurboConfig.DISCRIMINATOR_CHOICES);
            });
        }
        return new CombinedDiscriminator(parts);
    }

    public void addListener(TrainingListener listener) {
        listeners.add(listener);
    }

    /** Stops {@link #fit} after the step in progress (it then writes a checkpoint). */
    public void cancel() {
        cancelled.set(true);
    }

    public long step() {
        return step;
    }

    public PeriodWave student() {
        return student;
    }

    public Discriminator discriminator() {
        return discriminator;
    }

    public TurboConfig config() {
        return config;
    }

    /**
     * Continues from the newest checkpoint in the run folder, if there is one.
     *
     * @return whether a checkpoint was loaded
     * @throws IllegalArgumentException when the checkpoint was written for another shape or recipe
     */
    public boolean resumeLatest() throws IOException {
        OptionalLong latest = checkpoints.latestStep();
        if (latest.isEmpty()) {
            return false;
        }
        Checkpoint.Loaded loaded = checkpoints.load(latest.getAsLong());
        JsonObject state = loaded.config();
        JsonObject saved = state.getJsonObject("turbo");
        if (saved != null && (saved.getInteger("steps") != config.steps()
                || !saved.getJsonArray("discriminators").getList().equals(config.discriminators()))) {
            throw new IllegalArgumentException("the checkpoint in " + checkpoints.runDir() + " trains a "
                    + saved.getInteger("steps") + "-step student against " + saved.getJsonArray("discriminators")
                    + "; this run asks for " + config.steps() + " steps against " + config.discriminators()
                    + "; use another --out or the same settings");
        }
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> all = loaded.toNDArrays(scratch);
            new TrainableParameters(student).copyFrom(prefixed(all, "g."));
            new TrainableParameters(discriminator).copyFrom(prefixed(all, "d."));
            gan.generatorOptimizer().load(prefixed(all, "g.adamw."), state.getLong("generatorUpdates"));
            gan.discriminatorOptimizer().load(prefixed(all, "d.adamw."), state.getLong("discriminatorUpdates"));
        }
        step = state.getLong("step");
        trainSeconds = state.getDouble("trainSeconds", 0.0);
        return true;
    }

    /** The arrays under {@code prefix}, without it; {@code g.} leaves out the deeper {@code g.adamw.}. */
    private static Map<String, NDArray> prefixed(Map<String, NDArray> all, String prefix) {
        String optimizer = prefix + "adamw.";
        boolean wantsOptimizer = prefix.endsWith("adamw.");
        Map<String, NDArray> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix) && (wantsOptimizer || !k.startsWith(optimizer))) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /**
     * Trains up to {@code totalSteps} steps (from {@link #step()}), then checkpoints and validates.
     *
     * @throws dev.tessera.core.train.TrainingException code {@code diverged} on a non-finite loss or gradient
     */
    public TrainingResult fit(long totalSteps) throws IOException {
        Path last = null;
        double lastLoss = Double.NaN;
        Map<String, Double> validation = Map.of();
        long sessionStart = System.nanoTime();
        long sessionSteps = 0;
        try (TrainingSlot slot = TrainingSlot.acquire("turbo-" + config.steps())) {
            while (step < totalSteps && !cancelled.get()) {
                long t0 = System.nanoTime();
                GanStepResult r = trainStep(step);
                step++;
                sessionSteps++;
                trainSeconds += (System.nanoTime() - t0) / 1e9;
                lastLoss = r.generatorLoss();
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("d.loss", r.discriminatorLoss());
                metrics.put("adv", r.generator().get("adv"));
                metrics.put("fm", r.generator().get("fm"));
                metrics.put("mel", r.generator().get("mel"));
                if (guide != null) {
                    metrics.put("guide", r.generator().get("guide"));
                }
                metrics.put("score.real", r.discriminator().get("score.real"));
                metrics.put("score.fake", r.discriminator().get("score.fake"));
                boolean end = step == totalSteps;
                if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 || end || cancelled.get()) {
                    last = save();
                    for (TrainingListener l : listeners) {
                        l.onCheckpoint(step, last);
                    }
                }
                if (config.validateEvery() > 0 && step % config.validateEvery() == 0 || end) {
                    validation = validate();
                    metrics.putAll(validation);
                }
                double elapsed = (System.nanoTime() - sessionStart) / 1e9;
                double speed = sessionSteps / Math.max(elapsed, 1e-9);
                TrainingProgress p = new TrainingProgress(step, totalSteps, lastLoss, config.learningRate(),
                        r.generator().get("gradNorm"), speed, (totalSteps - step) / speed, metrics);
                for (TrainingListener l : listeners) {
                    l.onProgress(p);
                }
            }
        }
        TrainingResult result = new TrainingResult(step, totalSteps, step < totalSteps, lastLoss, last, trainSeconds,
                validation);
        for (TrainingListener l : listeners) {
            l.onEnd(result);
        }
        return result;
    }

    /** One GAN step on the batch of {@code index}: its crops, their log-mel and ε are functions of (seed, index). */
    GanStepResult trainStep(long index) {
        int b = config.batch();
        int n = config.segment();
        try (NDManager stepManager = manager.newSubManager()) {
            Seeds.seedEngine("turbo", index);
            SplittableRandom random = Seeds.stream("turbo-data", index);
            NDArray real = stepManager.create(train.randomCrops(random, b, n), new Shape(b, n));   // (B, T)
            NDArray logMel = mel.logMel(real);                                                      // (B, 80, T/256)
            NDArray eps = stepManager.randomNormal(new Shape(b, n));                                // (B, T)
            NDArray target = guide == null ? null : guided(logMel, eps);                            // (B, T)
            return gan.step(stepManager, real, s -> generator.generate(logMel, eps), target, config.guideWeight());
        }
    }

    /** The guide's output for the same mel and noise, computed without recording a graph. */
    private NDArray guided(NDArray logMel, NDArray eps) {
        return NoGradient.call(() -> guide.generate(logMel, eps));
    }

    /** Scores the student on the held-out clips (see the class comment); empty without clips. */
    public Map<String, Double> validate() {
        if (validationClips == 0) {
            return Map.of();
        }
        int n = config.validationSamples();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            double mstft = 0;
            double f0 = 0;
            int f0Clips = 0;
            double vuv = 0;
            for (int i = 0; i < validationClips; i++) {
                float[] reference = java.util.Arrays.copyOfRange(validationAudio, i * n, (i + 1) * n);
                float[] output = vocode(scope, reference, VALIDATION_SEED);
                mstft += new MultiResolutionStftDistance().distance(reference, output);
                PitchScores p = PitchMetrics.compare(reference, output);
                if (Double.isFinite(p.f0RmseCents())) {
                    f0 += p.f0RmseCents();
                    f0Clips++;
                }
                vuv += p.vuvF1();
            }
            out.put("val.mstft", mstft / validationClips);
            out.put("val.f0_rmse_cents", f0Clips > 0 ? f0 / f0Clips : Double.NaN);
            out.put("val.vuv_f1", vuv / validationClips);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    /** The student's audio for a clip, from its log-mel and counter noise keyed by {@code seed}. */
    private float[] vocode(NDManager parent, float[] clip, long seed) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.create(clip, new Shape(1, clip.length));
            NDArray eps = scope.create(CounterNoise.gaussian(seed, 0, clip.length), new Shape(1, clip.length));
            return generator.generate(mel.logMel(x), eps).toFloatArray();
        }
    }

    /** Writes the checkpoint of the current step. */
    private Path save() throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            new TrainableParameters(student).copies(scratch).forEach((k, v) -> tensors.put("g." + k, v));
            new TrainableParameters(discriminator).copies(scratch).forEach((k, v) -> tensors.put("d." + k, v));
            gan.generatorOptimizer().state().forEach((k, v) -> tensors.put("g.adamw." + k, v));
            gan.discriminatorOptimizer().state().forEach((k, v) -> tensors.put("d.adamw." + k, v));
            JsonObject state = new JsonObject().put("step", step)
                    .put("generatorUpdates", gan.generatorOptimizer().updates())
                    .put("discriminatorUpdates", gan.discriminatorOptimizer().updates())
                    .put("trainSeconds", trainSeconds)
                    .put("turbo", config.toJson())
                    .put("vocoder", student.config().toJson());
            return checkpoints.save(step, tensors, state, KEEP);
        }
    }

    @Override
    public void close() {
        gan.close();
        manager.close();
    }
}
