package dev.tessera.distill.dd;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.Job;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.ParamsSchema;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves {@link DdImageGenerator} as model {@code image-dd} on {@link Addresses#DISTILL_IMAGE_GENERATE}.
 * Request: {@link DdImageRequest} params. Reply: as the AR model's ({@code image0 ..} PNG blobs; params
 * {@code tokens}, {@code seed}, {@code class}, {@code className}, {@code count}, {@code steps},
 * {@code imageSize}, {@code bits}, {@code batchSize}). Progress: one event per pass (step s of steps).
 * Requests of the same {@code steps} share a batch (one forward pass for all their images).
 */
public final class DistilledImageVerticle extends ModelVerticle<DdImageRequest> {

    public static final String NAME = "image-dd";

    private final Path studentDir;
    private final Path tokenizerDir;
    private DdImageGenerator generator;
    private int maxCount;

    public DistilledImageVerticle(Path studentDir, Path tokenizerDir) {
        super(NAME, Addresses.DISTILL_IMAGE_GENERATE);
        this.studentDir = studentDir;
        this.tokenizerDir = tokenizerDir;
    }

    @Override
    protected void load() throws Exception {
        Object v = config().getValue("maxCount");
        if (v != null && !(v instanceof Integer i && i >= 1 && i <= 256)) {
            throw new IllegalArgumentException("model " + NAME + ": setting maxCount must be a whole number in 1..256, got "
                    + v);
        }
        maxCount = v == null ? 16 : (Integer) v;
        if (Engines.config() == null) {
            Engines.start();
        }
        generator = DdImageGenerator.load(studentDir, tokenizerDir);
        long[][] grid = generator.sampleTokens(List.of(new SampleSpec(0, 0, 0,
                dev.tessera.image.sample.SamplingParams.PLAIN)), 2);
        generator.decode(List.of(grid[0]));                                        // self-test: every op once
    }

    @Override
    protected void unload() {
        if (generator != null) {
            generator.close();
        }
    }

    /**
     * The studio's form: class, count, seed and the number of passes. The teacher's sampling settings are not
     * offered (the student learned its guided sampler; {@link DdImageRequest} refuses them by name).
     */
    @Override
    protected JsonObject paramsSchema() {
        return ParamsSchema.of(NAME, "one-step Distilled Decoding student of the image AR model: "
                        + generator.tokens() + " tokens of " + generator.bits() + " bits in 1 or 2 passes")
                .choice("class", "class of the image; none = unconditional", generator.classes().labels(), true, null)
                .integer("count", "images in this job", 1, maxCount, 1L)
                .integer("seed", "image i of seed s is always the same; empty = random", 0, Integer.MAX_VALUE, null)
                .integer("steps", "passes: 1, or 2 (the first pass's leading tokens kept, the rest drawn again)", 1, 2, 1L)
                .output("image", 0)
                .timeoutMs(120_000)
                .toJson();
    }

    @Override
    protected DdImageRequest parse(TesseraPayload body) {
        if (!body.blobs().isEmpty()) {
            throw JobFailure.badInput("blobs", "image generation takes only params, got blobs "
                    + body.blobs().stream().map(Blob::name).toList());
        }
        return DdImageRequest.parse(body.params(), generator.classes(), maxCount);
    }

    @Override
    protected Object batchKey(DdImageRequest r) {
        return r.steps();
    }

    @Override
    protected void runBatch(Batch<DdImageRequest> batch) {
        List<Job<DdImageRequest>> jobs = batch.live();
        if (jobs.isEmpty()) {
            return;
        }
        int steps = jobs.get(0).request().steps();
        List<SampleSpec> specs = new ArrayList<>();
        for (Job<DdImageRequest> job : jobs) {
            specs.addAll(job.request().specs());
        }
        long[][] grids = generator.sampleTokens(specs, steps);
        List<Job<DdImageRequest>> live = batch.live();
        live.forEach(j -> j.context().progress(steps, steps, null));
        List<RgbImage> images = generator.decode(java.util.Arrays.asList(grids));
        int row = 0;
        for (Job<DdImageRequest> job : jobs) {
            DdImageRequest r = job.request();
            List<Blob> blobs = new ArrayList<>();
            JsonArray tokens = new JsonArray();
            for (int i = 0; i < r.count(); i++, row++) {
                blobs.add(Blob.ofBytes("image" + i, "image/png", images.get(row).toPng()));
                JsonArray g = new JsonArray();
                for (long t : grids[row]) {
                    g.add(t);
                }
                tokens.add(g);
            }
            if (!live.contains(job)) {
                continue;
            }
            boolean unconditional = r.classId() == generator.classes().nullClass();
            JsonObject reply = new JsonObject().put("model", NAME).put("count", r.count()).put("seed", r.seed())
                    .put("steps", steps).put("class", unconditional ? null : r.classId())
                    .put("className", unconditional ? null : generator.classes().name(r.classId()))
                    .put("imageSize", images.get(0).width()).put("bits", generator.bits()).put("batchSize", batch.size())
                    .put("tokens", tokens);
            batch.complete(job, new TesseraPayload(reply, blobs));
        }
    }
}
