package dev.tessera.image.serve;

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
import dev.tessera.image.sample.SamplingParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serves {@link ImageGenerator} on {@code tessera.image.generate} as model {@code image-ar}.
 *
 * <p>Request: params of {@link ImageRequest} (class, count, seed, temperature, topK, topP, cfgScale,
 * cfgInterval, previewEvery), no blobs. Each token drawn is a progress event (step t of 64); every
 * {@code previewEvery} tokens, at most once per {@code previewIntervalMs}, the event carries a PNG
 * {@code preview} of the job's partial images side by side, pending positions filled as the model's config
 * says. A cancel or a deadline stops a job between tokens.
 *
 * <p>Reply: blobs {@code image0 .. image<count-1>} ({@code image/png}, imageSize square); params
 * {@code tokens} (one raster-order list of token indices per image), {@code seed} (the one used, also when
 * drawn), {@code class} (index, or null when unconditional), {@code className}, {@code count},
 * {@code imageSize}, {@code bits}, {@code kind}, {@code sampling} (the settings per sub-token) and
 * {@code batchSize}.
 *
 * <p>Config (serving.json): {@code maxCount} (8; the REST API's n is 1..8), {@code previewEvery} (8),
 * {@code previewIntervalMs} (200), plus the batching keys. Requests batch together when both or neither are
 * guided (a guided image adds a null-class row).
 */
public final class ImageVerticle extends ModelVerticle<ImageRequest> {

    public static final String NAME = "image-ar";

    private final Path arDir;
    private final Path tokenizerDir;
    private ImageGenerator generator;
    private int maxCount;
    private int previewEvery;
    private long previewIntervalNanos;

    /** The verticle of the models in {@code arDir} and {@code tokenizerDir}. */
    public ImageVerticle(Path arDir, Path tokenizerDir) {
        super(NAME, Addresses.IMAGE_GENERATE);
        this.arDir = arDir;
        this.tokenizerDir = tokenizerDir;
    }

    @Override
    protected void load() throws Exception {
        maxCount = setting("maxCount", 8, 1, 64);
        previewEvery = setting("previewEvery", 8, 0, Integer.MAX_VALUE);
        previewIntervalNanos = setting("previewIntervalMs", 200, 0, 60_000) * 1_000_000L;
        if (Engines.config() == null) {
            Engines.start();
        }
        generator = ImageGenerator.load(arDir, tokenizerDir);
        generator.selfTest();
    }

    private int setting(String key, int fallback, int min, int max) {
        Object v = config().getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer i) || i < min || i > max) {
            throw new IllegalArgumentException("model " + NAME + ": setting " + key + " must be a whole number in "
                    + min + ".." + max + ", got " + v);
        }
        return i;
    }

    @Override
    protected void unload() {
        if (generator != null) {
            generator.close();
        }
    }

    /** Requests naming the distilled student ({@code model: "image-dd"}) go on to the distill module's verticle. */
    @Override
    protected String forwardAddress(TesseraPayload body) {
        return "image-dd".equals(body.params().getValue("model")) ? Addresses.DISTILL_IMAGE_GENERATE : null;
    }

    /** The parameters of {@link ImageRequest} with this model's classes, counts and token count. */
    @Override
    protected JsonObject paramsSchema() {
        SamplingParams d = ImageRequest.DEFAULTS;
        int tokens = generator.tokens();
        return ParamsSchema.of(NAME, "class-conditional " + generator.imageSize() + "x" + generator.imageSize()
                        + " images (" + generator.kind() + " AR model, " + tokens + " tokens of " + generator.bits()
                        + " bits)")
                .choice("class", "class of the image; none = unconditional", generator.classNames(), true, null)
                .integer("count", "images in this job", 1, maxCount, 1L)
                .integer("seed", "image i of seed s is always the same; empty = random", 0, ImageRequest.MAX_SEED,
                        null)
                .number("temperature", "softmax temperature", 0, true, 10, d.pre().temperature())
                .integer("topK", "keep the k likeliest sub-tokens; 0 = off", 0, 1L << generator.bits(),
                        (long) d.pre().topK())
                .number("topP", "nucleus sampling mass; 1 = off", 0, true, 1, d.pre().topP())
                .number("cfgScale", "classifier-free guidance scale; 1 = none", 0, false, 20, d.pre().cfgScale())
                .integer("cfgInterval", "guide only the first n tokens; 0 = all", 0, tokens, 0L)
                .integer("previewEvery", "a preview every n tokens; 0 = none", 0, tokens, (long) previewEvery)
                .output("image", 0)
                .timeoutMs(120_000)
                .toJson();
    }

    @Override
    protected ImageRequest parse(TesseraPayload body) {
        if (!body.blobs().isEmpty()) {
            throw JobFailure.badInput("blobs", "image generation takes only params, got blobs "
                    + body.blobs().stream().map(Blob::name).toList());
        }
        return ImageRequest.parse(body.params(), generator, maxCount, previewEvery);
    }

    @Override
    protected Object batchKey(ImageRequest r) {
        return r.params().guided();
    }

    @Override
    protected void runBatch(Batch<ImageRequest> batch) {
        List<Job<ImageRequest>> jobs = batch.live();
        if (jobs.isEmpty()) {
            return;
        }
        List<SampleSpec> specs = new ArrayList<>();
        int[] firstRow = new int[jobs.size() + 1];
        for (int j = 0; j < jobs.size(); j++) {
            firstRow[j] = specs.size();
            specs.addAll(jobs.get(j).request().specs());
        }
        firstRow[jobs.size()] = specs.size();
        long[] lastPreview = new long[jobs.size()];
        Arrays.fill(lastPreview, System.nanoTime() - previewIntervalNanos);

        // Rows of stopped jobs are still sampled (rows are independent); they are just not answered.
        long[][] grids = generator.sampleTokens(specs, progress -> {
            List<Job<ImageRequest>> live = batch.live();
            if (live.isEmpty()) {
                return false;
            }
            long now = System.nanoTime();
            List<Integer> previewed = new ArrayList<>();
            List<long[]> partial = new ArrayList<>();
            for (Job<ImageRequest> job : live) {
                int j = jobs.indexOf(job);
                int every = job.request().previewEvery();
                if (every > 0 && progress.step() % every == 0 && now - lastPreview[j] >= previewIntervalNanos) {
                    previewed.add(j);
                    for (int row = firstRow[j]; row < firstRow[j + 1]; row++) {
                        partial.add(progress.grid(row));
                    }
                }
            }
            List<RgbImage> previews = partial.isEmpty() ? List.of() : generator.preview(partial);
            for (Job<ImageRequest> job : live) {
                int j = jobs.indexOf(job);
                Blob preview = null;
                int at = previewed.indexOf(j);
                if (at >= 0) {
                    int from = 0;
                    for (int k = 0; k < at; k++) {
                        from += jobs.get(previewed.get(k)).request().count();
                    }
                    List<RgbImage> mine = previews.subList(from, from + job.request().count());
                    preview = Blob.ofBytes("preview", "image/png", RgbImage.sheet(mine, mine.size(), 0).toPng());
                    lastPreview[j] = now;
                }
                job.context().progress(progress.step(), progress.total(), preview);
            }
            return true;
        });

        List<Job<ImageRequest>> live = batch.live();
        if (live.isEmpty()) {
            return;
        }
        List<long[]> finished = new ArrayList<>();
        for (Job<ImageRequest> job : live) {
            int j = jobs.indexOf(job);
            for (int row = firstRow[j]; row < firstRow[j + 1]; row++) {
                finished.add(grids[row]);
            }
        }
        List<RgbImage> images = generator.decode(finished);
        int next = 0;
        for (Job<ImageRequest> job : live) {
            ImageRequest r = job.request();
            List<Blob> blobs = new ArrayList<>(r.count());
            JsonArray tokens = new JsonArray();
            for (int i = 0; i < r.count(); i++, next++) {
                blobs.add(Blob.ofBytes("image" + i, "image/png", images.get(next).toPng()));
                JsonArray grid = new JsonArray();
                for (long t : finished.get(next)) {
                    grid.add(t);
                }
                tokens.add(grid);
            }
            batch.complete(job, new TesseraPayload(reply(r, batch.size()).put("tokens", tokens), blobs));
        }
    }

    private JsonObject reply(ImageRequest r, int batchSize) {
        boolean unconditional = r.classId() == generator.nullClass();
        return new JsonObject().put("model", NAME).put("kind", generator.kind()).put("count", r.count())
                .put("seed", r.seed()).put("class", unconditional ? null : r.classId())
                .put("className", unconditional ? null : generator.className(r.classId()))
                .put("imageSize", generator.imageSize()).put("bits", generator.bits())
                .put("sampling", r.params().toJson()).put("batchSize", batchSize);
    }
}
