package dev.tessera.core.train;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.TesseraPayload;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Publishes a training run's progress as job events, so the server and any front end follow a training
 * job exactly as they follow a generation: a {@link JobProgress} on {@code tessera.jobs.<jobId>.progress}
 * after every step (stage {@code train}), carrying the full {@link TrainingProgress} under
 * {@code params.training} (loss, learning rate, gradient norm, steps/s, ETA, validation metrics), and a
 * {@link JobEnded} when the run ends.
 *
 * <p>{@link EventBus#publish} is thread-safe, so this listener may run on the trainer's thread.
 */
public final class TrainingEvents implements TrainingListener {

    public static final String STAGE = "train";

    private final EventBus bus;
    private final String jobId;
    private final String address;

    public TrainingEvents(EventBus bus, String jobId) {
        this.bus = bus;
        this.jobId = jobId;
        this.address = Addresses.progress(jobId);
    }

    @Override
    public void onProgress(TrainingProgress p) {
        // JobProgress counts in ints; a run of more than 2^31 steps reports in thousands.
        long scale = p.totalSteps() > Integer.MAX_VALUE ? 1000 : 1;
        JobProgress event = new JobProgress(jobId, (int) (p.step() / scale), (int) (p.totalSteps() / scale), STAGE,
                0, 1, Math.min(1.0, p.fraction()), null);
        TesseraPayload payload = event.toPayload();
        payload.params().put("training", p.toJson());
        bus.publish(address, payload);
    }

    @Override
    public void onEnd(TrainingResult result) {
        JobEnded ended = result.cancelled()
                ? new JobEnded(jobId, FailureCode.CANCELLED.wireName(), "stopped at step " + result.step()
                        + "; resume continues from its checkpoint")
                : JobEnded.ok(jobId);
        TesseraPayload payload = ended.toPayload();
        payload.params().put("result", new JsonObject().put("step", result.step())
                .put("totalSteps", result.totalSteps()).put("lastLoss", result.lastLoss())
                .put("trainSeconds", result.trainSeconds()));
        bus.publish(address, payload);
    }

    /** The training record carried by a progress event, or null for other events. */
    public static TrainingProgress trainingOf(TesseraPayload event) {
        JsonObject t = event.params().getJsonObject("training");
        return t == null ? null : TrainingProgress.fromJson(t);
    }
}
