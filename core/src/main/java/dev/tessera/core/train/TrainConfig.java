package dev.tessera.core.train;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model is trained: AdamW with a warm-up plus cosine learning-rate schedule, optional gradient
 * clipping and EMA of the weights, and how often to checkpoint, validate and log.
 *
 * <p>Steps are optimizer updates; a step index runs from 0 to {@code steps - 1}, and "step N" in a
 * checkpoint name means N updates are done.
 *
 * @param steps optimizer updates in the whole run
 * @param learningRate peak learning rate, reached at the end of warm-up
 * @param warmupSteps updates over which the rate rises linearly from 0 to {@code learningRate}
 * @param minLearningRate rate the cosine decay ends at, at step {@code steps}
 * @param weightDecay decoupled weight decay (AdamW's lambda), applied to matrices and kernels only
 * @param beta1 decay of the first-moment (mean) estimate
 * @param beta2 decay of the second-moment (uncentred variance) estimate
 * @param eps added to the root of the second moment, against division by zero
 * @param clipGradNorm largest global L2 norm of the gradients; 0 = no clipping
 * @param emaDecay decay of the exponential moving average of the weights; 0 = no EMA
 * @param checkpointEvery save a checkpoint every this many steps (and always at the end); 0 = only at the end
 * @param keepCheckpoints how many of the newest checkpoints the run folder keeps
 * @param validateEvery run the task's validation every this many steps (and at the end); 0 = never
 * @param logEvery lines of progress in a log (no terminal) every this many steps
 * @param seed root seed for {@link dev.tessera.core.engine.Seeds}: data order and noise of every step derive from it
 */
public record TrainConfig(long steps, double learningRate, long warmupSteps, double minLearningRate,
                          double weightDecay, double beta1, double beta2, double eps, double clipGradNorm,
                          double emaDecay, long checkpointEvery, int keepCheckpoints, long validateEvery,
                          long logEvery, long seed) {

    /** Values used for keys a JSON config leaves out; the AdamW constants follow nanoGPT. */
    public static final TrainConfig DEFAULTS = new TrainConfig(1000, 3e-4, 100, 3e-5, 0.1, 0.9, 0.95, 1e-8,
            1.0, 0.999, 500, 3, 0, 50, 20261129L);

    public TrainConfig {
        List<String> errors = new ArrayList<>();
        if (steps < 1) {
            errors.add("steps must be >= 1, got " + steps);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            errors.add("learningRate must be > 0, got " + learningRate);
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            errors.add("warmupSteps must be in [0, steps=" + steps + "], got " + warmupSteps);
        }
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            errors.add("minLearningRate must be in [0, learningRate=" + learningRate + "], got " + minLearningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            errors.add("weightDecay must be >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            errors.add("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            errors.add("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            errors.add("eps must be > 0, got " + eps);
        }
        if (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm)) {
            errors.add("clipGradNorm must be >= 0 (0 = off), got " + clipGradNorm);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            errors.add("emaDecay must be in [0, 1) (0 = off), got " + emaDecay);
        }
        if (checkpointEvery < 0) {
            errors.add("checkpointEvery must be >= 0 (0 = only at the end), got " + checkpointEvery);
        }
        if (keepCheckpoints < 1) {
            errors.add("keepCheckpoints must be >= 1, got " + keepCheckpoints);
        }
        if (validateEvery < 0) {
            errors.add("validateEvery must be >= 0 (0 = never), got " + validateEvery);
        }
        if (logEvery < 1) {
            errors.add("logEvery must be >= 1, got " + logEvery);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("bad training config: " + String.join("; ", errors));
        }
    }

    public boolean clipping() {
        return clipGradNorm > 0;
    }

    public boolean ema() {
        return emaDecay > 0;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("steps", steps).put("learningRate", learningRate).put("warmupSteps", warmupSteps)
                .put("minLearningRate", minLearningRate).put("weightDecay", weightDecay)
                .put("beta1", beta1).put("beta2", beta2).put("eps", eps).put("clipGradNorm", clipGradNorm)
                .put("emaDecay", emaDecay).put("checkpointEvery", checkpointEvery)
                .put("keepCheckpoints", keepCheckpoints).put("validateEvery", validateEvery)
                .put("logEvery", logEvery).put("seed", seed);
    }

    /**
     * Reads a config; keys left out take {@link #DEFAULTS}, unknown keys are refused (a typo such as
     * {@code learningrate} would otherwise train silently with the default).
     */
    public static TrainConfig fromJson(JsonObject j) {
        JsonObject known = DEFAULTS.toJson();
        List<String> unknown = j.fieldNames().stream().filter(k -> !known.containsKey(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad training config: unknown keys " + unknown
                    + "; known keys are " + known.fieldNames().stream().sorted().toList());
        }
        try {
            return new TrainConfig(
                    j.getLong("steps", DEFAULTS.steps), j.getDouble("learningRate", DEFAULTS.learningRate),
                    j.getLong("warmupSteps", DEFAULTS.warmupSteps),
                    j.getDouble("minLearningRate", DEFAULTS.minLearningRate),
                    j.getDouble("weightDecay", DEFAULTS.weightDecay), j.getDouble("beta1", DEFAULTS.beta1),
                    j.getDouble("beta2", DEFAULTS.beta2), j.getDouble("eps", DEFAULTS.eps),
                    j.getDouble("clipGradNorm", DEFAULTS.clipGradNorm), j.getDouble("emaDecay", DEFAULTS.emaDecay),
                    j.getLong("checkpointEvery", DEFAULTS.checkpointEvery),
                    j.getInteger("keepCheckpoints", DEFAULTS.keepCheckpoints),
                    j.getLong("validateEvery", DEFAULTS.validateEvery), j.getLong("logEvery", DEFAULTS.logEvery),
                    j.getLong("seed", DEFAULTS.seed));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("bad training config: every value must be a number (" + e.getMessage()
                    + ")", e);
        }
    }

    /** This config with some keys replaced, e.g. {@code cfg.with(new JsonObject().put("steps", 200))}. */
    public TrainConfig with(JsonObject overrides) {
        return fromJson(toJson().mergeIn(overrides));
    }

    /**
     * Whether a run with this config can continue a checkpoint written with {@code saved}: every key
     * that shapes the trajectory must match; {@code steps} may grow (the cosine then stretches) and the
     * bookkeeping keys (checkpointEvery, keepCheckpoints, validateEvery, logEvery) may change.
     *
     * @return the keys that differ and forbid the resume; empty when it may resume
     */
    public List<String> resumeConflicts(TrainConfig saved) {
        JsonObject mine = toJson();
        JsonObject theirs = saved.toJson();
        List<String> bookkeeping = List.of("steps", "checkpointEvery", "keepCheckpoints", "validateEvery", "logEvery");
        List<String> conflicts = new ArrayList<>();
        for (String key : mine.fieldNames()) {
            if (!bookkeeping.contains(key) && !mine.getValue(key).equals(theirs.getValue(key))) {
                conflicts.add(key + " " + theirs.getValue(key) + " -> " + mine.getValue(key));
            }
        }
        return conflicts;
    }
}
