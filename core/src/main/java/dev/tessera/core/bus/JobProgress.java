package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One progress event of a running job, published on {@link Addresses#progress(String)} as a
 * {@link TesseraPayload} (params {@code event:"progress"} plus the fields below; the preview, if any,
 * as its only blob).
 *
 * @param jobId the job
 * @param step steps done in the current stage, 1..total
 * @param total steps in the current stage
 * @param stage name of the current stage, e.g. {@code tokens}, {@code decode}; empty for a one-stage job
 * @param stageIndex 0-based index of the current stage
 * @param stageCount number of stages, at least 1
 * @param overall fraction of the whole job done, in [0, 1]; never decreases within a job
 * @param preview a partial result to show (PNG, audio chunk, tensor), or null
 */
public record JobProgress(String jobId, int step, int total, String stage, int stageIndex, int stageCount,
                          double overall, TesseraPayload.Blob preview) {

    public static final String EVENT = "progress";

    public JobProgress {
        if (total < 1 || step < 0 || step > total) {
            throw new IllegalArgumentException("progress step " + step + " of " + total + " is out of range");
        }
        if (stageCount < 1 || stageIndex < 0 || stageIndex >= stageCount) {
            throw new IllegalArgumentException("stage " + stageIndex + " of " + stageCount + " is out of range");
        }
        if (!(overall >= 0 && overall <= 1)) {
            throw new IllegalArgumentException("overall progress must be in [0, 1], got " + overall);
        }
        stage = stage == null ? "" : stage;
    }

    public TesseraPayload toPayload() {
        JsonObject p = new JsonObject().put("event", EVENT).put("jobId", jobId).put("step", step).put("total", total)
                .put("stage", stage).put("stageIndex", stageIndex).put("stageCount", stageCount)
                .put("overall", overall);
        return new TesseraPayload(p, preview == null ? List.of() : List.of(preview));
    }

    /** Whether a payload received on a progress address is a progress event (the other kind: {@link JobEnded}). */
    public static boolean isProgress(TesseraPayload payload) {
        return EVENT.equals(payload.params().getString("event"));
    }

    public static JobProgress fromPayload(TesseraPayload payload) {
        JsonObject p = payload.params();
        return new JobProgress(p.getString("jobId"), p.getInteger("step"), p.getInteger("total"),
                p.getString("stage", ""), p.getInteger("stageIndex", 0), p.getInteger("stageCount", 1),
                p.getDouble("overall"), payload.blobs().isEmpty() ? null : payload.blobs().get(0));
    }
}
