package dev.tessera.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobCancelledException;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.web.server.ApiError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A model's failure keeps its code on the way to HTTP (serving spec 3.1). */
class BusErrorsTest {

    @Test
    void busyNotReadyDeadlineAndCancelMapToTheirStatusesWithRetryAfterInWholeSeconds() {
        ApiError busy = BusErrors.toApiError(new JobFailure(FailureCode.BUSY, "queue full", 2_500,
                new JsonObject().put("queueDepth", 32), null));
        assertEquals(503, busy.status());
        assertEquals("busy", busy.code());
        assertEquals(3, busy.retryAfterSeconds());
        assertEquals(32, busy.details().getInteger("queueDepth"));

        ApiError notReady = BusErrors.toApiError(JobFailure.notReady("no model"));
        assertEquals(503, notReady.status());
        assertEquals("not_ready", notReady.code());
        assertEquals(1, notReady.retryAfterSeconds());

        ApiError late = BusErrors.toApiError(new JobCancelledException("j", FailureCode.DEADLINE_EXCEEDED, "late"));
        assertEquals(408, late.status());
        assertEquals("running", late.details().getString("phase"));
        assertNull(late.retryAfterSeconds());

        ApiError cancelled = BusErrors.toApiError(new JobCancelledException("j", FailureCode.CANCELLED, "gone"));
        assertEquals(499, cancelled.status());
        assertEquals("cancelled", cancelled.code());

        assertEquals(60, BusErrors.retryAfterSeconds(600_000));
        assertEquals(1, BusErrors.retryAfterSeconds(0));
    }
}
