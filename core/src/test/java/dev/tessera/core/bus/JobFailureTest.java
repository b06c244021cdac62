package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JobFailureTest {

    @Test
    void codesCarryTheirHttpStatusAndWireName() {
        assertEquals(400, FailureCode.BAD_INPUT.httpStatus());
        assertEquals(404, FailureCode.NOT_FOUND.httpStatus());
        assertEquals(408, FailureCode.DEADLINE_EXCEEDED.httpStatus());
        assertEquals(413, FailureCode.TOO_LARGE.httpStatus());
        assertEquals(503, FailureCode.BUSY.httpStatus());
        assertEquals(503, FailureCode.NOT_READY.httpStatus());
        assertEquals(500, FailureCode.INTERNAL.httpStatus());
        assertEquals("deadline_exceeded", FailureCode.DEADLINE_EXCEEDED.wireName());
        assertEquals("deadline", FailureCode.DEADLINE_EXCEEDED.outcome());
        assertEquals(FailureCode.NOT_READY, FailureCode.fromWire("not_ready"));
        assertEquals(FailureCode.INTERNAL, FailureCode.fromWire("from_the_future"));
    }

    @Test
    void replyExceptionsMapBackToFailures() {
        assertEquals(FailureCode.DEADLINE_EXCEEDED,
                JobFailure.from(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 30000(ms)")).code());
        JobFailure noHandlers = JobFailure.from(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers"));
        assertEquals(FailureCode.NOT_READY, noHandlers.code());
        assertEquals(503, noHandlers.code().httpStatus());

        JobFailure busy = JobFailure.busy("queue full", 2_500);
        JobFailure back = JobFailure.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503,
                busy.toJson().encode()));
        assertEquals(FailureCode.BUSY, back.code());
        assertEquals("queue full", back.getMessage());
        assertEquals(2_500, back.retryAfterMs());

        JobFailure plain = JobFailure.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "no such thing"));
        assertEquals(FailureCode.NOT_FOUND, plain.code());
        assertSame(busy, JobFailure.from(busy));
        assertEquals(FailureCode.INTERNAL, JobFailure.from(new IllegalStateException("boom")).code());
    }

    @Test
    void failureJsonHasCodeMessageRetryAndDetails() {
        JsonObject j = JobFailure.badInput("x", "x must be float32").toJson();
        assertEquals("bad_input", j.getString("code"));
        assertEquals("x must be float32", j.getString("message"));
        assertEquals("x must be float32", j.getJsonObject("details").getJsonObject("fields").getString("x"));
        assertTrue(!j.containsKey("retryAfterMs"));
        JobFailure internal = JobFailure.internal("model probe", new NullPointerException("secret path /x"));
        assertTrue(internal.getMessage().contains("log id " + internal.details().getString("logId")));
        assertTrue(!internal.getMessage().contains("secret"), internal.getMessage());
    }

    @Test
    void retryAfterIsDepthTimesMeanComputeOverLanesClamped() {
        ComputeTimes t = new ComputeTimes();
        assertEquals(1_000, t.retryAfterMs(32, 1)); // nothing measured yet: the floor
        t.record(0.8, 4);                          // 0.2 s per request
        assertEquals(3_200, t.retryAfterMs(32, 2));
        t.record(0.4, 1);                          // EWMA: 0.2 * 0.4 + 0.8 * 0.2 = 0.24
        assertEquals(0.24, t.meanSecondsPerItem(), 1e-12);
        assertEquals(60_000, t.retryAfterMs(1_000, 1));
    }

    @Test
    void batchingConfigReadsItsKeysAndRefusesNonsense() {
        BatchingConfig c = BatchingConfig.fromJson(new JsonObject().put("maxBatch", 8).put("maxDelayMs", 5));
        assertEquals(new BatchingConfig(8, 5, 32, 1), c);
        assertEquals(c, BatchingConfig.fromJson(c.toJson()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> BatchingConfig.fromJson(new JsonObject().put("lanes", 0)));
        assertTrue(e.getMessage().contains("'lanes' must be in 1..64, got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchingConfig.fromJson(new JsonObject().put("maxQueue", "x")));
    }
}
