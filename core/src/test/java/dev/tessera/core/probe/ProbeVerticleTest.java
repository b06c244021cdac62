package dev.tessera.core.probe;

import static dev.tessera.core.probe.ProbeFixtures.await;
import static dev.tessera.core.probe.ProbeFixtures.awaitFailure;
import static dev.tessera.core.probe.ProbeFixtures.input;
import static dev.tessera.core.probe.ProbeFixtures.jobId;
import static dev.tessera.core.probe.ProbeFixtures.request;
import static dev.tessera.core.probe.ProbeFixtures.send;
import static dev.tessera.core.probe.ProbeFixtures.slow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.cluster.TesseraVertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model-verticle contract, proven on the real probe model: results, progress, cancel, deadlines,
 * admission and micro-batching. Each test gets its own Vert.x and deployment.
 */
@ExtendWith(VertxExtension.class)
class ProbeVerticleTest {

    private static final float TOLERANCE = 1e-5f;
    private static ProbeModel reference;

    private Vertx vertx;

    @BeforeAll
    static void buildReference() {
        reference = ProbeModel.create(ProbeModel.DEFAULT_SEED);
    }

    @AfterAll
    static void closeReference() {
        reference.close();
    }

    @BeforeEach
    void setUp(Vertx vertx) {
        this.vertx = vertx;
        Codecs.registerAll(vertx);
    }

    private String deploy(JsonObject config) throws Exception {
        return vertx.deployVerticle(ProbeVerticle::new, ModelVerticle.deploymentOptions(config))
                .await(30, TimeUnit.SECONDS);
    }

    private MeterRegistry meters() {
        return TesseraVertx.meters(vertx);
    }

    private double counter(String name, String... tags) {
        var c = meters().find(name).tags(tags).counters();
        return c.stream().mapToDouble(x -> x.count()).sum();
    }

    /**
     * Waits until {@code check} passes (at most 5 s). Batch metrics are recorded when a batch's forward pass
     * returns, which can be just after its replies have left.
     */
    private static void eventually(Runnable check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Progress and end events of one job, collected from its progress address. */
    private static final class Follower {
        final List<JobProgress> progress = new CopyOnWriteArrayList<>();
        final Promise<JobEnded> ended = Promise.promise();
        final Promise<JobProgress> first = Promise.promise();
        MessageConsumer<TesseraPayload> consumer;
    }

    private Follower follow(String jobId) throws Exception {
        Follower f = new Follower();
        f.consumer = ModelClient.follow(vertx.eventBus(), jobId, p -> {
            f.progress.add(p);
            f.first.tryComplete(p);
        }, f.ended::tryComplete);
        f.consumer.completion().await(5, TimeUnit.SECONDS);
        return f;
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void replyEqualsADirectForwardOfTheProbeModel() throws Exception {
        deploy(new JsonObject());
        float[] x = input(3, 1);
        String id = jobId();
        Message<TesseraPayload> reply = await(send(vertx.eventBus(), id, request(x, new JsonObject().put("steps", 3),
                3, 64), 10_000));
        TesseraPayload.Blob y = reply.body().requireBlob("y");
        assertArrayEquals(new long[] {3, 64}, y.shape());
        assertArrayEquals(reference.run(x, 3, 3), y.toFloats(), TOLERANCE);
        assertEquals(3, reply.body().params().getInteger("steps"));
        assertEquals(3, reply.body().params().getInteger("rows"));
        assertEquals(1, reply.body().params().getInteger("batchSize"));
        assertEquals(id, reply.headers().get(Addresses.HEADER_JOB_ID));
        assertEquals("0", reply.headers().get(Addresses.HEADER_QUEUE_DEPTH));

        // A single row of shape (64) comes back as (64).
        float[] v = input(1, 2);
        TesseraPayload.Blob y1 = await(send(vertx.eventBus(), jobId(), request(v, new JsonObject(), 64), 10_000))
                .body().requireBlob("y");
        assertArrayEquals(new long[] {64}, y1.shape());
        assertArrayEquals(reference.run(v, 1, 1), y1.toFloats(), TOLERANCE);

        List<ModelStatus> models = new ModelRegistry(vertx).list().await(5, TimeUnit.SECONDS);
        assertEquals(1, models.size());
        assertEquals(ModelState.READY, models.get(0).state());
        assertEquals(Addresses.PROBE_INFER, models.get(0).address());
        assertEquals(1.0, meters().get("tessera.model.state").tag("state", "ready").gauge().value());
        assertEquals(2.0, counter("tessera.requests", "model", "probe", "front", "bus", "outcome", "ok"));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void progressEventsArriveInOrderWithNonDecreasingOverall() throws Exception {
        deploy(new JsonObject());
        String id = jobId();
        Follower f = follow(id);
        float[] x = input(1, 3);
        Message<TesseraPayload> reply = await(send(vertx.eventBus(), id,
                request(x, new JsonObject().put("steps", 6).put("previews", true), 64), 10_000));
        JobEnded ended = f.ended.future().await(5, TimeUnit.SECONDS);
        assertTrue(ended.succeeded(), ended.toString());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), f.progress.stream().map(JobProgress::step).toList());
        double last = 0;
        for (JobProgress p : f.progress) {
            assertEquals(6, p.total());
            assertEquals(id, p.jobId());
            assertTrue(p.overall() >= last, "overall went back: " + f.progress);
            last = p.overall();
        }
        assertEquals(1.0, last);
        assertEquals(1.0 / 6, f.progress.get(0).overall(), 1e-12);
        // The last preview is the result's (only) row.
        assertArrayEquals(reply.body().requireBlob("y").toFloats(), f.progress.get(5).preview().toFloats(), 0f);
        assertArrayEquals(reference.run(x, 1, 2), f.progress.get(1).preview().toFloats(), TOLERANCE);
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void cancelStopsARunningJobBeforeItsLastStep() throws Exception {
        deploy(new JsonObject());
        String id = jobId();
        Follower f = follow(id);
        long t0 = System.nanoTime();
        Future<Message<TesseraPayload>> reply = send(vertx.eventBus(), id, slow(200, 10, 4), 0);
        f.first.future().onSuccess(p -> {
            ModelClient.cancel(vertx.eventBus(), id, "test");
            ModelClient.cancel(vertx.eventBus(), id, "test again"); // a double cancel still ends in one answer
        });
        JobFailure failure = awaitFailure(reply);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(FailureCode.CANCELLED, failure.code());
        assertTrue(failure.getMessage().contains("(test)"), failure.getMessage());
        JobEnded ended = f.ended.future().await(5, TimeUnit.SECONDS);
        assertEquals("cancelled", ended.outcome());
        int steps = f.progress.size();
        assertTrue(steps >= 1 && steps < 200, "ran " + steps + " of 200 steps");
        assertTrue(ms < 2_000, "a 200-step job of 10 ms steps took " + ms + " ms to cancel");
        Thread.sleep(50);
        assertEquals(steps, f.progress.size(), "progress after the cancel");
        assertEquals(1.0, counter("tessera.requests", "outcome", "cancelled"));
        assertEquals(1.0, counter("tessera.request.failures", "code", "cancelled"));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void cancelRemovesAQueuedJobThatNeverRuns() throws Exception {
        deploy(new JsonObject().put("lanes", 1).put("maxBatch", 1));
        String runningId = jobId();
        String queuedId = jobId();
        Follower running = follow(runningId);
        Follower queued = follow(queuedId);
        Future<Message<TesseraPayload>> first = send(vertx.eventBus(), runningId, slow(30, 10, 5), 0);
        Future<Message<TesseraPayload>> second = send(vertx.eventBus(), queuedId, slow(30, 10, 6), 0);
        running.first.future().await(5, TimeUnit.SECONDS);
        ModelClient.cancel(vertx.eventBus(), queuedId, "changed my mind");
        JobFailure failure = awaitFailure(second);
        assertEquals(FailureCode.CANCELLED, failure.code());
        assertTrue(failure.getMessage().contains("while queued"), failure.getMessage());
        assertTrue(!first.isComplete(), "the queued job's cancel must not wait for the running one");
        await(first);
        assertEquals("cancelled", queued.ended.future().await(5, TimeUnit.SECONDS).outcome());
        assertEquals(List.of(), queued.progress);
        assertEquals(30, running.progress.size());
        eventually(() -> assertEquals(1.0, counter("tessera.inference.items")));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aBurstLargerThanTheQueueGetsBusyAtOnceAndEveryRequestOneAnswer() throws Exception {
        deploy(new JsonObject().put("maxQueue", 4).put("lanes", 1).put("maxBatch", 1));
        int n = 20;
        List<String> ids = new ArrayList<>();
        Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = jobId();
            ids.add(id);
            ends.put(id, new AtomicInteger());
            vertx.eventBus().<TesseraPayload>consumer(Addresses.progress(id), m -> {
                if (JobEnded.isEnded(m.body())) {
                    ends.get(id).incrementAndGet();
                }
            }).completion().await(5, TimeUnit.SECONDS);
        }
        long t0 = System.nanoTime();
        List<Future<Object>> settled = new ArrayList<>();
        Map<String, Long> answeredAtMs = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = ids.get(i);
            // The first one holds the lane for 400 ms; the rest would be quick once they run.
            TesseraPayload body = i == 0 ? slow(8, 50, 10) : slow(1, 0, 10 + i);
            settled.add(send(vertx.eventBus(), id, body, 0)
                    .onComplete(ar -> answeredAtMs.put(id, (System.nanoTime() - t0) / 1_000_000))
                    .map(m -> (Object) m).otherwise(e -> e));
        }
        Future.all(settled).await(30, TimeUnit.SECONDS);
        List<String> ok = new ArrayList<>();
        List<String> busy = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object r = settled.get(i).result();
            if (r instanceof Message<?>) {
                ok.add(ids.get(i));
            } else {
                JobFailure f = (JobFailure) r;
                assertEquals(FailureCode.BUSY, f.code(), f.toString());
                assertTrue(f.retryAfterMs() >= 1_000 && f.retryAfterMs() <= 60_000, f.toString());
                assertEquals(4, f.details().getInteger("queueDepth"));
                busy.add(ids.get(i));
            }
        }
        // Four wait in the queue and one may already run when the surplus arrives.
        assertTrue(ok.size() == 4 || ok.size() == 5, "ok " + ok.size());
        assertEquals(n, ok.size() + busy.size());
        long firstOk = ok.stream().mapToLong(answeredAtMs::get).min().orElseThrow();
        long lastBusy = busy.stream().mapToLong(answeredAtMs::get).max().orElseThrow();
        assertTrue(lastBusy < firstOk, "busy answers at " + lastBusy + " ms, first result at " + firstOk + " ms");
        assertTrue(firstOk >= 400, "an 8×50 ms job answered after " + firstOk + " ms");
        // Exactly one answer each: counted once by the model, one end event per admitted job, none for the rest.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ok.stream().anyMatch(id -> ends.get(id).get() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        ok.forEach(id -> assertEquals(1, ends.get(id).get(), "end events of " + id));
        busy.forEach(id -> assertEquals(0, ends.get(id).get(), "end events of " + id));
        assertEquals(n, counter("tessera.requests", "model", "probe"));
        assertEquals(busy.size(), counter("tessera.requests", "outcome", "busy"));
        eventually(() -> assertEquals(ok.size(), counter("tessera.inference.items")));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void microBatchesFormUnderConcurrency() throws Exception {
        deploy(new JsonObject().put("maxBatch", 8).put("maxDelayMs", 50).put("lanes", 1));
        int n = 16;
        List<float[]> inputs = new ArrayList<>();
        List<Future<Message<TesseraPayload>>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = input(1, 100 + i);
            inputs.add(x);
            replies.add(send(vertx.eventBus(), jobId(), request(x, new JsonObject().put("steps", 2), 1, 64), 10_000));
        }
        Future.all(replies).await(30, TimeUnit.SECONDS);
        List<Integer> sizes = new ArrayList<>();
        double batchesFromReplies = 0;
        for (int i = 0; i < n; i++) {
            TesseraPayload body = replies.get(i).result().body();
            int size = body.params().getInteger("batchSize");
            sizes.add(size);
            batchesFromReplies += 1.0 / size;
            assertArrayEquals(reference.run(inputs.get(i), 1, 2), body.requireBlob("y").toFloats(), TOLERANCE);
        }
        assertTrue(Collections.max(sizes) > 1, "batch sizes " + sizes);
        assertTrue(Collections.max(sizes) <= 8, "batch sizes " + sizes);
        double expectedBatches = batchesFromReplies;
        eventually(() -> assertEquals(n, counter("tessera.inference.items")));
        eventually(() -> assertEquals(expectedBatches, counter("tessera.inference.batches"), 1e-9));
        assertTrue(expectedBatches < n, expectedBatches + " batches for " + n + " requests");
        assertEquals(n, meters().get("tessera.batch.size").summary().totalAmount(), 1e-9);
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aRequestWhoseDeadlinePassesInTheQueueGets408AndNeverRuns() throws Exception {
        deploy(new JsonObject().put("lanes", 1).put("maxBatch", 1));
        String expiringId = jobId();
        Follower expiring = follow(expiringId);
        Future<Message<TesseraPayload>> blocker = send(vertx.eventBus(), jobId(), slow(60, 10, 7), 0);
        long t0 = System.nanoTime();
        JobFailure failure = awaitFailure(send(vertx.eventBus(), expiringId, slow(1, 0, 8), 100));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(FailureCode.DEADLINE_EXCEEDED, failure.code());
        assertEquals(408, failure.code().httpStatus());
        assertEquals("queued", failure.details().getString("phase"));
        assertTrue(ms >= 95, "408 after " + ms + " ms");
        assertTrue(!blocker.isComplete(), "the 408 must not wait for the lane to free");
        await(blocker);
        assertEquals("deadline_exceeded", expiring.ended.future().await(5, TimeUnit.SECONDS).outcome());
        assertEquals(List.of(), expiring.progress);
        eventually(() -> assertEquals(1.0, counter("tessera.inference.items")));
        assertEquals(1.0, counter("tessera.requests", "outcome", "deadline"));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aRunningJobPastItsDeadlineStopsAtItsNextStepWith408() throws Exception {
        deploy(new JsonObject());
        String id = jobId();
        Follower f = follow(id);
        JobFailure failure = awaitFailure(send(vertx.eventBus(), id, slow(200, 10, 9), 600));
        assertEquals(FailureCode.DEADLINE_EXCEEDED, failure.code());
        assertEquals("running", failure.details().getString("phase"));
        assertTrue(f.progress.size() >= 1 && f.progress.size() < 200, f.progress.size() + " steps");
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void badInputGets400AtOnceWithoutTouchingTheQueue() throws Exception {
        deploy(new JsonObject().put("maxQueue", 1).put("lanes", 1).put("maxBatch", 1));
        String runningId = jobId();
        Follower f = follow(runningId);
        Future<Message<TesseraPayload>> running = send(vertx.eventBus(), runningId, slow(20, 10, 11), 0);
        f.first.future().await(5, TimeUnit.SECONDS);
        // One runs, this one fills the queue of one.
        Future<Message<TesseraPayload>> queued = send(vertx.eventBus(), jobId(), slow(1, 0, 12), 0);

        JobFailure wrongShape = awaitFailure(send(vertx.eventBus(), jobId(),
                request(new float[63], new JsonObject(), 63), 10_000));
        assertEquals(FailureCode.BAD_INPUT, wrongShape.code());
        assertEquals(400, wrongShape.code().httpStatus());
        assertTrue(wrongShape.getMessage().contains("got [63]"), wrongShape.getMessage());
        assertNotNull(wrongShape.details().getJsonObject("fields").getString("x"));

        JobFailure zeroSteps = awaitFailure(send(vertx.eventBus(), jobId(),
                request(input(1, 1), new JsonObject().put("steps", 0), 64), 10_000));
        assertEquals(FailureCode.BAD_INPUT, zeroSteps.code());
        assertTrue(zeroSteps.getMessage().contains("steps must be a whole number in 1..10000, got 0"));

        JobFailure noBlob = awaitFailure(send(vertx.eventBus(), jobId(), TesseraPayload.of(new JsonObject()), 0));
        assertTrue(noBlob.getMessage().contains("expected a blob named 'x'"), noBlob.getMessage());

        JobFailure badId = awaitFailure(ModelClient.request(vertx.eventBus(), Addresses.PROBE_INFER, "no spaces please",
                slow(1, 0, 1), 0, "rest"));
        assertEquals(FailureCode.BAD_INPUT, badId.code());

        // The queue is still full with the one valid request: the next valid one is busy, not the bad ones.
        assertEquals(FailureCode.BUSY, awaitFailure(send(vertx.eventBus(), jobId(), slow(1, 0, 13), 0)).code());
        assertTrue(!running.isComplete(), "bad input must be answered while the lane is busy");
        await(running);
        await(queued);
        assertEquals(2, meters().get("tessera.queue").timer().count());
        assertEquals(4.0, counter("tessera.requests", "outcome", "bad_input"));
        assertEquals(1.0, counter("tessera.requests", "front", "rest", "outcome", "bad_input"));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void undeployStopsRunningJobsAndLeavesTheRegistry() throws Exception {
        String deployment = deploy(new JsonObject());
        String id = jobId();
        Follower f = follow(id);
        Future<Message<TesseraPayload>> reply = send(vertx.eventBus(), id, slow(200, 10, 14), 0);
        f.first.future().await(5, TimeUnit.SECONDS);
        vertx.undeploy(deployment).await(10, TimeUnit.SECONDS);
        JobFailure failure = awaitFailure(reply);
        assertEquals(FailureCode.NOT_READY, failure.code());
        assertTrue(f.progress.size() < 200);
        assertEquals(List.of(), new ModelRegistry(vertx).list().await(5, TimeUnit.SECONDS));
        assertTrue(meters().find("tessera.queue.depth").gauges().isEmpty(), "meters of an undeployed model");
        assertEquals(FailureCode.NOT_READY, awaitFailure(send(vertx.eventBus(), jobId(), slow(1, 0, 1), 1_000)).code());
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aModelVerticleRefusesToRunOnAnEventLoop() {
        Throwable e = vertx.deployVerticle(new ProbeVerticle()).map(id -> (Throwable) null).otherwise(t -> t)
                .await();
        assertNotNull(e);
        assertTrue(e.getMessage().contains("must be deployed as a WORKER"), e.getMessage());
    }
}
