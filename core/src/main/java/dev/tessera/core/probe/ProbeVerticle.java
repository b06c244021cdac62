package dev.tessera.core.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.Job;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serves {@link ProbeModel} on {@link Addresses#PROBE_INFER}.
 *
 * <p>Request: blob {@code x}, float32 of shape {@code (64)} or {@code (n, 64)} with n ≤ {@link #MAX_ROWS};
 * params {@code steps} (1..{@link #MAX_STEPS}, default 1) passes of the MLP, each followed by a progress
 * event and a cancel check; {@code stepDelayMs} (0..1000, default 0) sleeps after each pass to stand in for
 * a slower model; {@code previews} (default false) attaches the first row after each pass to the progress
 * event; {@code echo} (default false) returns every other request blob unchanged, for bus round-trip tests.
 *
 * <p>Reply: blob {@code y}, the shape of {@code x}; params {@code steps}, {@code rows} and
 * {@code batchSize} (requests in the forward pass that ran it). Requests batch together when their
 * {@code steps}, {@code stepDelayMs} and {@code previews} agree. Config: {@code seed} (default 7) plus the
 * batching keys.
 */
public final class ProbeVerticle extends ModelVerticle<ProbeVerticle.Request> {

    public static final String NAME = "probe";
    public static final int MAX_ROWS = 256;
    public static final int MAX_STEPS = 10_000;

    /** A validated probe request: {@code rows} rows of {@link ProbeModel#FEATURES} features. */
    public record Request(float[] x, long[] shape, int rows, int steps, int stepDelayMs, boolean previews,
                          List<Blob> echo) {
    }

    private ProbeModel model;

    public ProbeVerticle() {
        super(NAME, Addresses.PROBE_INFER);
    }

    @Override
    protected void load() {
        model = ProbeModel.create(config().getLong("seed", ProbeModel.DEFAULT_SEED));
        // Self-test every op the probe uses on a zero batch: shape and finiteness.
        float[] y = model.run(new float[2 * ProbeModel.FEATURES], 2, 2);
        for (float v : y) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("probe self-test produced " + v);
            }
        }
    }

    @Override
    protected void unload() {
        if (model != null) {
            model.close();
        }
    }

    @Override
    protected Request parse(TesseraPayload body) {
        Blob x = body.requireBlob("x");
        if (!"float32".equals(x.dtype())) {
            throw JobFailure.badInput("x", "x must be float32, got '" + x.dtype() + "'");
        }
        long[] s = x.shape();
        boolean vector = s.length == 1 && s[0] == ProbeModel.FEATURES;
        boolean matrix = s.length == 2 && s[1] == ProbeModel.FEATURES && s[0] >= 1 && s[0] <= MAX_ROWS;
        if (!vector && !matrix) {
            throw JobFailure.badInput("x", "x must have shape (64) or (n, 64) with 1 <= n <= " + MAX_ROWS + ", got "
                    + Arrays.toString(s));
        }
        float[] values = x.toFloats();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw JobFailure.badInput("x", "x holds " + values[i] + " at element " + i);
            }
        }
        JsonObject p = body.params();
        int steps = intParam(p, "steps", 1, 1, MAX_STEPS);
        int delay = intParam(p, "stepDelayMs", 0, 0, 1000);
        boolean previews = boolParam(p, "previews");
        List<Blob> echo = boolParam(p, "echo")
                ? body.blobs().stream().filter(b -> !b.name().equals("x")).toList() : List.of();
        return new Request(values, s.clone(), vector ? 1 : (int) s[0], steps, delay, previews, echo);
    }

    @Override
    protected Object batchKey(Request r) {
        return List.of(r.steps(), r.stepDelayMs(), r.previews());
    }

    @Override
    protected void runBatch(Batch<Request> batch) throws InterruptedException {
        List<Job<Request>> jobs = batch.live();
        if (jobs.isEmpty()) {
            return;
        }
        Request first = jobs.get(0).request();
        int[] offsets = new int[jobs.size() + 1];
        for (int i = 0; i < jobs.size(); i++) {
            offsets[i + 1] = offsets[i] + jobs.get(i).request().rows();
        }
        float[] all = new float[offsets[jobs.size()] * ProbeModel.FEATURES];
        for (int i = 0; i < jobs.size(); i++) {
            float[] x = jobs.get(i).request().x();
            System.arraycopy(x, 0, all, offsets[i] * ProbeModel.FEATURES, x.length);
        }
        float[] out;
        try (NDManager m = model.newManager()) {
            NDArray h = m.create(all, new Shape(offsets[jobs.size()], ProbeModel.FEATURES)); // (rows, 64)
            for (int step = 1; step <= first.steps(); step++) {
                h = model.step(m, h);
                if (first.stepDelayMs() > 0) {
                    Thread.sleep(first.stepDelayMs());
                }
                // Rows of a stopped job are still computed (they are independent); it just is not answered.
                List<Job<Request>> live = batch.live();
                if (live.isEmpty()) {
                    return;
                }
                float[] rows = first.previews() ? h.toFloatArray() : null;
                for (Job<Request> job : live) {
                    Blob preview = null;
                    if (rows != null) {
                        int from = offsets[jobs.indexOf(job)] * ProbeModel.FEATURES;
                        preview = Blob.ofFloats("preview", Arrays.copyOfRange(rows, from, from + ProbeModel.FEATURES),
                                ProbeModel.FEATURES);
                    }
                    job.context().progress(step, first.steps(), preview);
                }
            }
            out = h.toFloatArray();
        }
        for (Job<Request> job : batch.live()) {
            int i = jobs.indexOf(job);
            Request r = job.request();
            float[] y = Arrays.copyOfRange(out, offsets[i] * ProbeModel.FEATURES, offsets[i + 1] * ProbeModel.FEATURES);
            List<Blob> blobs = new ArrayList<>(r.echo().size() + 1);
            blobs.add(Blob.ofFloats("y", y, r.shape()));
            blobs.addAll(r.echo());
            batch.complete(job, new TesseraPayload(new JsonObject().put("steps", r.steps()).put("rows", r.rows())
                    .put("batchSize", batch.size()), blobs));
        }
    }

    private static int intParam(JsonObject p, String key, int fallback, int min, int max) {
        Object v = p.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min
                || n.longValue() > max) {
            throw JobFailure.badInput(key, key + " must be a whole number in " + min + ".." + max + ", got " + v);
        }
        return n.intValue();
    }

    private static boolean boolParam(JsonObject p, String key) {
        Object v = p.getValue(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw JobFailure.badInput(key, key + " must be true or false, got " + v);
        }
        return b;
    }
}
