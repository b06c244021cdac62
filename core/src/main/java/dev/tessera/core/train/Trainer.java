package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop. One step, for step index s:
 * <ol>
 *   <li>re-seed libtorch with {@code Seeds.seedEngine("train", s)} and draw the data generator
 *       {@code Seeds.stream("data", s)}, so that the step depends on s and the weights only;</li>
 *   <li>open the gradient collector, ask the task for the loss, back-propagate, close the collector;</li>
 *   <li>stop with {@link TrainingException.Code#DIVERGED} when the loss or the gradient norm is not finite;</li>
 *   <li>clip the gradients by global norm, update with AdamW at the schedule's rate, zero the gradients,
 *       move the EMA;</li>
 *   <li>validate, report progress, checkpoint, as configured.</li>
 * </ol>
 * Every tensor of a step lives in the step's sub-manager. A cancel request is honoured between steps:
 * the run writes a checkpoint and {@link #fit()} returns. {@link #resumeLatest()} restores weights, EMA,
 * AdamW moments and the step from the newest checkpoint; because everything random is a function of
 * the step, the resumed run reaches the same weights as one that never stopped.
 *
 * <p>The trainer owns the optimizer state and the EMA (closed by {@link #close()}); the task owns its
 * block. Only one run may train per JVM at a time ({@link TrainingSlot}). {@link #fit()} sets the root
 * seed of {@link Seeds} to {@code config.seed()}, so the run does not depend on the process's seed.
 */
public final class Trainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    static final String MODEL = "model.";
    static final String EMA = "ema.";
    static final String ADAMW = "adamw.";
    /** Steps over which the reported speed is measured. */
    private static final int SPEED_WINDOW = 20;

    private final TrainConfig config;
    private final TrainingTask task;
    private final TrainingCheckpoints checkpoints;
    private final NDManager manager;
    private final TrainableParameters params;
    private final AdamW adamW;
    private final Ema ema;
    private final WarmupCosineSchedule schedule;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private long step;
    private double trainSeconds;
    private Map<String, Double> lastValidation = Map.of();
    private Path lastCheckpoint;
    private long lastCheckpointStep = -1;

    /**
     * A trainer at step 0 with fresh optimizer state; the EMA starts from the block's current weights.
     *
     * @param runDir the run folder for checkpoints (created on the first save)
     */
    public Trainer(TrainConfig config, TrainingTask task, Path runDir) {
        if (Engines.config() == null) {
            Engines.start();
        }
        this.config = config;
        this.task = task;
        this.checkpoints = new TrainingCheckpoints(runDir);
        this.params = new TrainableParameters(task.block());
        if (params.trainable().isEmpty()) {
            throw new IllegalArgumentException("task " + task.name() + " has no parameter that requires a gradient");
        }
        this.manager = NDManager.newBaseManager(params.all().get(0).array().getDevice());
        this.adamW = AdamW.of(manager, params, config);
        this.ema = config.ema() ? new Ema(manager, params, config.emaDecay()) : null;
        this.schedule = WarmupCosineSchedule.of(config);
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public TrainConfig config() {
        return config;
    }

    /** Updates done. */
    public long step() {
        return step;
    }

    public TrainableParameters parameters() {
        return params;
    }

    public AdamW optimizer() {
        return adamW;
    }

    /** The EMA of the weights, or null when {@code emaDecay} is 0. */
    public Ema ema() {
        return ema;
    }

    public TrainingCheckpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Asks {@link #fit()} to stop after the current step, with a checkpoint; callable from any thread,
     * also before {@code fit()} starts. A cancelled trainer stays cancelled.
     */
    public void cancel() {
        cancelRequested.set(true);
    }

    /**
     * Restores the newest checkpoint of the run folder, if there is one.
     *
     * @return whether one was restored
     * @throws TrainingException BAD_CHECKPOINT when it cannot be read or was written with other settings
     */
    public boolean resumeLatest() {
        OptionalLong latest;
        try {
            latest = checkpoints.latestStep();
        } catch (IOException e) {
            throw new TrainingException(TrainingException.Code.BAD_CHECKPOINT, "cannot list the checkpoints in "
                    + checkpoints.runDir() + ": " + e.getMessage(), e);
        }
        if (latest.isEmpty()) {
            return false;
        }
        resume(latest.getAsLong());
        return true;
    }

    /** Restores the checkpoint of {@code savedStep}; see {@link #resumeLatest()}. */
    public void resume(long savedStep) {
        Path file = checkpoints.tensorsFile(savedStep);
        try (NDManager scratch = manager.newSubManager()) {
            Checkpoint.Loaded loaded = checkpoints.load(savedStep);
            JsonObject state = loaded.config();
            TrainConfig saved = TrainConfig.fromJson(state.getJsonObject("train", new JsonObject()));
            List<String> conflicts = config.resumeConflicts(saved);
            if (!conflicts.isEmpty()) {
                throw new IllegalArgumentException("it was trained with other settings (" + String.join(", ", conflicts)
                        + "); resume with the same settings or start a new run folder");
            }
            long stateStep = state.getLong("step", -1L);
            if (stateStep != savedStep) {
                throw new IllegalArgumentException("its state says step " + stateStep + ", its name step " + savedStep);
            }
            if (savedStep > config.steps()) {
                throw new IllegalArgumentException("it is at step " + savedStep + ", past steps=" + config.steps());
            }
            Map<String, NDArray> model = new LinkedHashMap<>();
            Map<String, NDArray> averaged = new LinkedHashMap<>();
            Map<String, NDArray> optimizer = new LinkedHashMap<>();
            loaded.toNDArrays(scratch).forEach((key, array) -> {
                if (key.startsWith(MODEL)) {
                    model.put(key.substring(MODEL.length()), array);
                } else if (key.startsWith(EMA)) {
                    averaged.put(key.substring(EMA.length()), array);
                } else if (key.startsWith(ADAMW)) {
                    optimizer.put(key.substring(ADAMW.length()), array);
                } else {
                    throw new IllegalArgumentException("unexpected tensor " + key);
                }
            });
            params.copyFrom(model);
            adamW.load(optimizer, state.getLong("adamUpdates", savedStep));
            if (ema != null) {
                ema.load(averaged);
            }
            step = savedStep;
            trainSeconds = state.getDouble("trainSeconds", 0.0);
            lastValidation = toDoubles(state.getJsonObject("validation", new JsonObject()));
            lastCheckpoint = file;
            lastCheckpointStep = savedStep;
            LOG.info("{}: resumed from {} (step {}/{})", task.name(), file, savedStep, config.steps());
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new TrainingException(TrainingException.Code.BAD_CHECKPOINT, "cannot resume from " + file + ": "
                    + e.getMessage() + (e instanceof IOException ? "; delete it to resume from the one before" : ""), e);
        }
    }

    /**
     * Trains from the current step to {@code steps}, or until {@link #cancel()}.
     *
     * @throws TrainingException BUSY when another run trains in this JVM; DIVERGED when the loss or
     *     gradient norm is not finite (the last checkpoint is named in the message)
     */
    public TrainingResult fit() {
        try (TrainingSlot slot = TrainingSlot.acquire(task.name() + " in " + checkpoints.runDir())) {
            Seeds.seedAll(config.seed());
            Engines.applyThreadSettings();
            try (NDManager start = manager.newSubManager()) {
                // Gradients someone left in the block (an earlier run, a diverged step) would add to ours.
                params.zeroGradients(start);
            }
            LOG.info("{}: training {} parameters from step {} to {}", task.name(), params.count(), step, config.steps());
            ArrayDeque<Long> stepEnds = new ArrayDeque<>();
            stepEnds.add(System.nanoTime());
            double lastLoss = Double.NaN;
            boolean cancelled = false;
            while (step < config.steps()) {
                if (cancelRequested.get()) {
                    cancelled = true;
                    break;
                }
                long t0 = System.nanoTime();
                StepOutcome outcome = runStep(step);
                step++;
                lastLoss = outcome.loss;
                Map<String, Double> metrics = new LinkedHashMap<>(outcome.terms);
                if (validationDue()) {
                    lastValidation = validate();
                    metrics.putAll(lastValidation);
                }
                long now = System.nanoTime();
                trainSeconds += (now - t0) / 1e9;
                stepEnds.add(now);
                if (stepEnds.size() > SPEED_WINDOW + 1) {
                    stepEnds.removeFirst();
                }
                double stepsPerSecond = (stepEnds.size() - 1) / ((stepEnds.getLast() - stepEnds.getFirst()) / 1e9);
                TrainingProgress progress = new TrainingProgress(step, config.steps(), outcome.loss,
                        outcome.learningRate, outcome.gradNorm, stepsPerSecond,
                        (config.steps() - step) / stepsPerSecond, metrics);
                notify(l -> l.onProgress(progress));
                if (checkpointDue()) {
                    saveCheckpoint();
                }
            }
            if (cancelled && lastCheckpointStep != step && step > 0) {
                saveCheckpoint();
            }
            if (cancelled) {
                LOG.info("{}: cancelled at step {}/{}", task.name(), step, config.steps());
            }
            TrainingResult result = new TrainingResult(step, config.steps(), cancelled, lastLoss, lastCheckpoint,
                    trainSeconds, lastValidation);
            notify(l -> l.onEnd(result));
            return result;
        }
    }

    private record StepOutcome(double loss, double learningRate, double gradNorm, Map<String, Double> terms) {
    }

    private StepOutcome runStep(long s) {
        try (NDManager stepManager = manager.newSubManager()) {
            Seeds.seedEngine("train", s);
            SplittableRandom random = Seeds.stream("data", s);
            StepLoss loss;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                loss = task.loss(stepManager, random, s);
                collector.backward(loss.total());
            }
            double lossValue = scalar(loss.total());
            List<NDArray> grads = params.gradients(stepManager);
            if (!Double.isFinite(lossValue)) {
                TrainableParameters.zero(grads);
                throw diverged(s, "the loss is " + lossValue);
            }
            double gradNorm = GradientClipping.clipByGlobalNorm(grads, config.clipGradNorm());
            if (!Double.isFinite(gradNorm)) {
                TrainableParameters.zero(grads);
                throw diverged(s, "the gradient norm is " + gradNorm + " (loss " + lossValue + ")");
            }
            double learningRate = schedule.rate(s);
            adamW.step(grads, learningRate, stepManager);
            TrainableParameters.zero(grads);
            if (ema != null) {
                ema.update(stepManager);
            }
            Map<String, Double> terms = new LinkedHashMap<>();
            loss.terms().forEach((name, value) -> terms.put(name, scalar(value)));
            return new StepOutcome(lossValue, learningRate, gradNorm, terms);
        }
    }

    private TrainingException diverged(long s, String what) {
        String resume = lastCheckpoint == null ? "no checkpoint was written yet"
                : "the last checkpoint is " + lastCheckpoint.getFileName() + " (step " + lastCheckpointStep + ")";
        return new TrainingException(TrainingException.Code.DIVERGED, "training diverged at step " + s + ": " + what
                + " at learning rate " + String.format(Locale.ROOT, "%.3g", schedule.rate(s))
                + "; lower the learning rate or clip gradients (clipGradNorm); " + resume);
    }

    private Map<String, Double> validate() {
        try (NDManager validationManager = manager.newSubManager()) {
            Seeds.seedEngine("validate", step);
            Map<String, Double> out = new LinkedHashMap<>();
            task.validate(validationManager, step).forEach((k, v) -> out.put("val." + k, v));
            return out;
        }
    }

    /** Checkpoints fall every {@code checkpointEvery} steps and on the last step. */
    private boolean checkpointDue() {
        return step == config.steps() || config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
    }

    /** Validation falls every {@code validateEvery} steps and on the last step, unless it is off. */
    private boolean validationDue() {
        long every = config.validateEvery();
        return every > 0 && (step % every == 0 || step == config.steps());
    }

    private void saveCheckpoint() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        params.all().forEach(e -> tensors.put(MODEL + e.name(), e.array()));
        if (ema != null) {
            ema.weights().forEach((k, v) -> tensors.put(EMA + k, v));
        }
        adamW.state().forEach((k, v) -> tensors.put(ADAMW + k, v));
        JsonObject state = new JsonObject()
                .put("task", task.name()).put("step", step).put("totalSteps", config.steps())
                .put("adamUpdates", adamW.updates()).put("trainSeconds", trainSeconds)
                .put("parameters", params.count())
                .put("validation", toJson(lastValidation)).put("train", config.toJson());
        try {
            lastCheckpoint = checkpoints.save(step, tensors, state, config.keepCheckpoints());
            lastCheckpointStep = step;
        } catch (IOException e) {
            // Losing checkpoints silently would make a long run unrecoverable; stop instead.
            throw new UncheckedIOException("cannot write checkpoint " + TrainingCheckpoints.name(step) + " in "
                    + checkpoints.runDir() + ": " + e.getMessage(), e);
        }
        Path file = lastCheckpoint;
        long saved = step;
        notify(l -> l.onCheckpoint(saved, file));
    }

    /**
     * Writes the weights for serving as a checkpoint {@code name} in {@code dir} (plain parameter names,
     * no prefixes): the EMA weights when {@code useEma} and EMA is on, else the live ones.
     *
     * @param modelConfig the model's own config, embedded in the checkpoint
     */
    public Path exportWeights(Path dir, String name, JsonObject modelConfig, boolean useEma) throws IOException {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        if (useEma && ema != null) {
            weights.putAll(ema.weights());
        } else {
            params.all().forEach(e -> weights.put(e.name(), e.array()));
        }
        Files.createDirectories(dir);
        Checkpoint.save(dir, name, weights, modelConfig, Map.of("tessera.step", Long.toString(step),
                "tessera.weights", useEma && ema != null ? "ema" : "live"));
        return Checkpoint.tensorsFile(dir, name);
    }

    private void notify(Consumer<TrainingListener> call) {
        for (TrainingListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                // Progress is for people; a broken display must not end a long run.
                LOG.warn("{}: training listener {} failed: {}", task.name(), l, e.toString());
            }
        }
    }

    private static double scalar(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray()[0];
        }
    }

    private static JsonObject toJson(Map<String, Double> m) {
        JsonObject j = new JsonObject();
        m.forEach(j::put);
        return j;
    }

    private static Map<String, Double> toDoubles(JsonObject j) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : j.fieldNames()) {
            m.put(k, j.getDouble(k));
        }
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
