package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * The last event on a job's progress address, published by the model right after it answered the
 * request, so that a front end that only follows the job (another tab, a batch monitor) learns how it
 * ended. A follower drops its consumer on this event.
 *
 * @param jobId the job
 * @param outcome {@code ok}, or the {@link FailureCode#wireName()} it failed with
 * @param message empty when ok; else the failure's message
 */
public record JobEnded(String jobId, String outcome, String message) {

    public static final String EVENT = "ended";
    public static final String OK = "ok";

    public static JobEnded ok(String jobId) {
        return new JobEnded(jobId, OK, "");
    }

    public static JobEnded failed(String jobId, JobFailure failure) {
        return new JobEnded(jobId, failure.code().wireName(), failure.getMessage());
    }

    public boolean succeeded() {
        return OK.equals(outcome);
    }

    public TesseraPayload toPayload() {
        return TesseraPayload.of(new JsonObject().put("event", EVENT).put("jobId", jobId).put("outcome", outcome)
                .put("message", message));
    }

    public static boolean isEnded(TesseraPayload payload) {
        return EVENT.equals(payload.params().getString("event"));
    }

    public static JobEnded fromPayload(TesseraPayload payload) {
        JsonObject p = payload.params();
        return new JobEnded(p.getString("jobId"), p.getString("outcome"), p.getString("message", ""));
    }
}
