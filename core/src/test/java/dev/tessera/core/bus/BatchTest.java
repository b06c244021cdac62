package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    /** Answers as they were delivered: job id and failure code (null for a result). */
    private final List<String> answers = new ArrayList<>();

    private Batch<Integer> batchOf(int n) {
        List<Job<Integer>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new Job<>(i, JobContext.detached("j" + i, p -> { }), "", 0, "bus"));
        }
        return new Batch<>("model test", jobs, (job, result, failure) ->
                answers.add(job.id() + ":" + (failure == null ? "ok" : failure.code().wireName())));
    }

    @Test
    void liveAnswersStoppedJobsAtOnceAndKeepsTheRest() {
        Batch<Integer> batch = batchOf(3);
        batch.jobs().get(1).context().stop(FailureCode.CANCELLED, "user");
        List<Job<Integer>> live = batch.live();
        assertEquals(List.of("j0", "j2"), live.stream().map(Job::id).toList());
        assertEquals(List.of("j1:cancelled"), answers);
        batch.live(); // asking again answers nobody twice
        assertEquals(1, answers.size());
        live.forEach(j -> batch.complete(j, TesseraPayload.of(new JsonObject())));
        batch.complete(live.get(0), TesseraPayload.of(new JsonObject())); // a second answer is ignored
        batch.fail(live.get(0), JobFailure.badInput("late"));
        assertEquals(List.of("j1:cancelled", "j0:ok", "j2:ok"), answers);
        assertTrue(batch.allDone());
    }

    @Test
    void forEachLiveFailsOnlyTheJobWhoseWorkThrew() {
        Batch<Integer> batch = batchOf(4);
        batch.forEachLive(job -> {
            switch (job.request()) {
                case 1 -> throw JobFailure.badInput("odd");
                case 2 -> throw new IllegalStateException("bug");
                case 3 -> {
                    job.context().stop(FailureCode.DEADLINE_EXCEEDED, "late");
                    job.context().checkCancelled();
                    return null;
                }
                default -> {
                    return TesseraPayload.of(new JsonObject().put("i", job.request()));
                }
            }
        });
        assertEquals(List.of("j0:ok", "j1:bad_input", "j2:internal", "j3:deadline_exceeded"), answers);
    }

    @Test
    void anotherJobsCancellationIsAnInternalErrorNotThisJobsCancel() {
        Batch<Integer> batch = batchOf(2);
        Job<Integer> other = batch.jobs().get(0);
        Job<Integer> mine = batch.jobs().get(1);
        JobFailure f = batch.failureOf(mine, new JobCancelledException(other.id(), FailureCode.CANCELLED, "x"));
        assertEquals(FailureCode.INTERNAL, f.code());
        assertNull(mine.context().stopReason());
        assertEquals(FailureCode.CANCELLED,
                batch.failureOf(other, new JobCancelledException(other.id(), FailureCode.CANCELLED, "x")).code());
    }
}
