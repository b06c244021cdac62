package dev.tessera.core.train;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training run stands after one step; the terminal bar draws it and the server publishes
 * {@link #toJson()} on {@code tessera.jobs.<jobId>.progress}.
 *
 * @param step updates done, 1..totalSteps
 * @param totalSteps updates in the whole run
 * @param loss this step's loss
 * @param learningRate rate used for this step's update
 * @param gradNorm global L2 norm of the gradients before clipping
 * @param stepsPerSecond recent speed (over the last few steps of this process)
 * @param etaSeconds estimated seconds to the end at that speed
 * @param metrics named loss terms of this step, and {@code val.*} metrics on steps that validated
 */
public record TrainingProgress(long step, long totalSteps, double loss, double learningRate, double gradNorm,
                               double stepsPerSecond, double etaSeconds, Map<String, Double> metrics) {

    public TrainingProgress {
        metrics = Map.copyOf(metrics);
    }

    /** Fraction done, in [0, 1]. */
    public double fraction() {
        return (double) step / totalSteps;
    }

    public JsonObject toJson() {
        JsonObject m = new JsonObject();
        metrics.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
        return new JsonObject()
                .put("step", step).put("total", totalSteps).put("loss", loss).put("learningRate", learningRate)
                .put("gradNorm", gradNorm).put("stepsPerSecond", stepsPerSecond).put("etaSeconds", etaSeconds)
                .put("metrics", m);
    }

    public static TrainingProgress fromJson(JsonObject j) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonObject m = j.getJsonObject("metrics", new JsonObject());
        for (String k : m.fieldNames()) {
            metrics.put(k, m.getDouble(k));
        }
        return new TrainingProgress(j.getLong("step"), j.getLong("total"), j.getDouble("loss"),
                j.getDouble("learningRate"), j.getDouble("gradNorm"), j.getDouble("stepsPerSecond"),
                j.getDouble("etaSeconds"), metrics);
    }

    /** One line for a log: {@code step 100/1000 loss 0.1234 lr 3.00e-04 |g| 0.512 12.3 steps/s ETA 1m13s}. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "step %d/%d loss %.4f lr %.2e |g| %.3f %.1f steps/s ETA %s", step, totalSteps, loss, learningRate,
                gradNorm, stepsPerSecond, formatSeconds(etaSeconds)));
        metrics.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue())));
        return sb.toString();
    }

    static String formatSeconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
