package dev.tessera.core.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * How a front end (or a test, or another verticle) talks to a model over the bus: a request with the
 * job-id and deadline headers, cancel, and following a job's progress. Failures come back as
 * {@link JobFailure}s, already mapped from the {@code ReplyException} (serving spec 4.3).
 */
public final class ModelClient {

    /**
     * Added to a request's deadline for the bus's own send timeout, so that the model's 408 (which names the
     * phase) arrives before the requester gives up (serving spec 4.2).
     */
    public static final long REPLY_GRACE_MS = 5_000;
    /** Send timeout of a request without a deadline: the 15-minute compute cap of batch items, plus grace. */
    public static final long NO_DEADLINE_SEND_TIMEOUT_MS = 15 * 60_000 + REPLY_GRACE_MS;

    private ModelClient() {
    }

    /**
     * Sends {@code body} to a model and fails with a {@link JobFailure} when the model (or the bus) does.
     *
     * @param jobId the job's id (a lowercase UUID), sent in {@link Addresses#HEADER_JOB_ID}
     * @param timeoutMs milliseconds left before the job's deadline, sent in {@link Addresses#HEADER_TIMEOUT_MS};
     *     0 or less for none
     * @param front the front end ({@code ws}, {@code rest}, {@code batch}); null for {@code bus}
     */
    public static Future<Message<TesseraPayload>> request(EventBus bus, String address, String jobId,
                                                          TesseraPayload body, long timeoutMs, String front) {
        DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.HEADER_JOB_ID, jobId);
        if (front != null) {
            options.addHeader(Addresses.HEADER_FRONT, front);
        }
        if (timeoutMs > 0) {
            options.addHeader(Addresses.HEADER_TIMEOUT_MS, Long.toString(timeoutMs))
                    .setSendTimeout(timeoutMs + REPLY_GRACE_MS);
        } else {
            options.setSendTimeout(NO_DEADLINE_SEND_TIMEOUT_MS);
        }
        return bus.<TesseraPayload>request(address, body, options)
                .recover(e -> Future.failedFuture(JobFailure.from(e)));
    }

    /** Publishes a cancel: a queued job is dropped, a running one stops at its next step, others ignore it. */
    public static void cancel(EventBus bus, String jobId, String reason) {
        bus.publish(Addresses.JOBS_CANCEL, new JsonObject().put("jobId", jobId).put("reason", reason));
    }

    /**
     * Follows a job: {@code onProgress} for each progress event, {@code onEnded} once at the end, after which
     * the consumer unregisters itself. Wait for the returned consumer's {@code completion()} before sending
     * the request, or early events may be missed.
     */
    public static MessageConsumer<TesseraPayload> follow(EventBus bus, String jobId, Consumer<JobProgress> onProgress,
                                                         Consumer<JobEnded> onEnded) {
        MessageConsumer<TesseraPayload> consumer = bus.consumer(Addresses.progress(jobId));
        consumer.handler(m -> {
            if (JobProgress.isProgress(m.body())) {
                onProgress.accept(JobProgress.fromPayload(m.body()));
            } else if (JobEnded.isEnded(m.body())) {
                consumer.unregister();
                onEnded.accept(JobEnded.fromPayload(m.body()));
            }
        });
        return consumer;
    }
}
