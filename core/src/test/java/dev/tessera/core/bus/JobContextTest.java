package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobContextTest {

    @Test
    void overallProgressSpansStagesAndNeverGoesBack() {
        List<JobProgress> seen = new ArrayList<>();
        JobContext ctx = JobContext.detached("job-1", seen::add);
        ctx.progress("tokens", 0, 2, 1, 4, null);  // 0.125
        ctx.progress("tokens", 0, 2, 4, 4, null);  // 0.5
        ctx.progress("tokens", 0, 2, 2, 4, null);  // would be 0.25: held at 0.5
        ctx.progress("decode", 1, 2, 1, 2, null);  // 0.75
        ctx.progress("decode", 1, 2, 2, 2, null);  // 1.0
        assertEquals(List.of(0.125, 0.5, 0.5, 0.75, 1.0), seen.stream().map(JobProgress::overall).toList());
        assertEquals("decode", seen.get(4).stage());
        assertEquals(2, seen.get(4).stageCount());
    }

    @Test
    void progressRoundTripsThroughAPayload() {
        var preview = TesseraPayload.Blob.ofFloats("preview", new float[] {1, 2}, 2);
        JobProgress p = new JobProgress("j", 3, 8, "", 0, 1, 0.375, preview);
        JobProgress back = JobProgress.fromPayload(p.toPayload());
        assertEquals(p, back);
        assertTrue(JobProgress.isProgress(p.toPayload()));
        assertFalse(JobEnded.isEnded(p.toPayload()));
        assertThrows(IllegalArgumentException.class, () -> new JobProgress("j", 9, 8, "", 0, 1, 1.0, null));
    }

    @Test
    void firstStopReasonWinsAndIsThrownAtTheNextCheck() {
        JobContext ctx = JobContext.detached("job-2", p -> { });
        assertFalse(ctx.isCancelled());
        ctx.checkCancelled();
        assertNull(ctx.stopReason());
        assertTrue(ctx.stop(FailureCode.CANCELLED, "user pressed stop"));
        assertFalse(ctx.stop(FailureCode.DEADLINE_EXCEEDED, "too late"));
        assertTrue(ctx.isCancelled());
        JobCancelledException e = assertThrows(JobCancelledException.class, ctx::checkCancelled);
        assertEquals(FailureCode.CANCELLED, e.code());
        assertEquals("job-2", e.jobId());
        assertEquals("user pressed stop", e.getMessage());
    }

    @Test
    void aPassedDeadlineStopsTheJobAsDeadlineExceededWhileRunning() {
        JobContext ctx = new JobContext("job-3", System.nanoTime() - 1, p -> { });
        assertTrue(ctx.hasDeadline());
        assertTrue(ctx.remainingMillis() <= 0);
        assertTrue(ctx.isCancelled());
        JobCancelledException e = assertThrows(JobCancelledException.class, ctx::checkCancelled);
        assertEquals(FailureCode.DEADLINE_EXCEEDED, e.code());
        assertEquals(408, e.code().httpStatus());
        assertEquals("running", e.details().getString("phase"));
    }
}
