package dev.tessera.core.probe;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Inputs and a client for probe tests: seeded rows of 64 features and request/settle helpers. */
final class ProbeFixtures {

    private ProbeFixtures() {
    }

    /** {@code rows × 64} standard-normal features from {@code seed}. */
    static float[] input(int rows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * ProbeModel.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    static TesseraPayload request(float[] x, JsonObject params, long... shape) {
        return TesseraPayload.of(params, Blob.ofFloats("x", x, shape));
    }

    /** A request of one row that runs {@code steps} steps of {@code delayMs} each. */
    static TesseraPayload slow(int steps, int delayMs, long seed) {
        return request(input(1, seed), new JsonObject().put("steps", steps).put("stepDelayMs", delayMs),
                ProbeModel.FEATURES);
    }

    static String jobId() {
        return UUID.randomUUID().toString();
    }

    static Future<Message<TesseraPayload>> send(EventBus bus, String jobId, TesseraPayload body, long timeoutMs) {
        return ModelClient.request(bus, Addresses.PROBE_INFER, jobId, body, timeoutMs, null);
    }

    /** Waits for a reply; fails the test with the model's failure if there is one. */
    static Message<TesseraPayload> await(Future<Message<TesseraPayload>> f) {
        try {
            return f.await(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no reply within 30 s", e);
        }
    }

    /** Waits for a request to fail and returns its failure; a success fails the test. */
    static JobFailure awaitFailure(Future<?> f) {
        Object settled;
        try {
            settled = f.map(v -> (Object) v).otherwise(e -> e).await(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 30 s", e);
        }
        if (settled instanceof JobFailure failure) {
            return failure;
        }
        throw new AssertionError("expected a JobFailure, got " + settled);
    }
}
