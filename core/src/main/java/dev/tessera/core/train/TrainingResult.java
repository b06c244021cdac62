package dev.tessera.core.train;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * How {@link Trainer#fit()} ended.
 *
 * @param step updates done
 * @param totalSteps updates the run was configured for
 * @param cancelled whether it stopped early on {@link Trainer#cancel()}
 * @param lastLoss the loss of the last step run by this process; NaN when it ran none
 * @param checkpoint the newest checkpoint, or null when none was written
 * @param trainSeconds wall time spent in steps over all sessions of the run (resumes included)
 * @param validation the last validation metrics ({@code val.*}); empty when none ran
 */
public record TrainingResult(long step, long totalSteps, boolean cancelled, double lastLoss, Path checkpoint,
                             double trainSeconds, Map<String, Double> validation) {

    public TrainingResult {
        validation = Map.copyOf(validation);
    }

    public boolean finished() {
        return step >= totalSteps;
    }

    public JsonObject toJson() {
        JsonObject v = new JsonObject();
        validation.forEach(v::put);
        return new JsonObject().put("step", step).put("total", totalSteps).put("cancelled", cancelled)
                .put("lastLoss", lastLoss).put("checkpoint", checkpoint == null ? null : checkpoint.toString())
                .put("trainSeconds", trainSeconds).put("validation", v);
    }
}
