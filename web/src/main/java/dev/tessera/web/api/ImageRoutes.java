package dev.tessera.web.api;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.image.serve.ImageVerticle;
import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;
import dev.tessera.web.server.RouteContributor;
import dev.tessera.web.server.ServerContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code POST /api/v1/images} (serving spec 3.3): {@code {model, params, n, seed?, format:"png", timeoutMs?}}
 * in, PNGs out, through the image model on the bus ({@code tessera.image.generate}, {@code ImageVerticle}).
 *
 * <ul>
 *   <li>{@code model}: {@code image-ar} (the default) or {@code image-dd} (the distilled student: {@code params.steps}
 *       1 or 2, no sampling settings); another name is 404.
 *       {@code params}: the model's sampling settings ({@code class}, {@code temperature}, {@code topK},
 *       {@code topP}, {@code cfgScale}, {@code cfgInterval}; see {@code ImageRequest}), checked by the
 *       model: a bad value is 400 naming it in {@code details.fields}, an unknown class 400 listing the
 *       classes. {@code n}: 1..8 images (default 1; more is 400 naming {@code n}). {@code seed}: image i of
 *       seed s is always the same (default: drawn, sent back in {@code X-Tessera-Seed}). {@code format}:
 *       {@code png}. {@code timeoutMs} (or the header {@code X-Tessera-Timeout-Ms}): default 120 s.</li>
 *   <li>Reply: with {@code n = 1} and {@code Accept: image/png}, {@code 200 image/png}; otherwise
 *       {@code 200 application/zip} holding {@code image-<seed>-<i>.png} for each image and
 *       {@code result.json} (the model's reply: seed, class, sampling settings, token grids). Headers
 *       {@code X-Tessera-Job-Id} and {@code X-Tessera-Seed}.</li>
 *   <li>A client that hangs up cancels its job (the model stops at its next token).</li>
 * </ul>
 *
 * <p>The spec's JSON reply with output URLs needs the job store; until it exists the images travel in
 * the reply itself.
 */
public final class ImageRoutes implements RouteContributor {

    public static final String PATH = "/api/v1/images";
    public static final long DEFAULT_TIMEOUT_MS = 120_000;
    public static final int MAX_N = 8;
    public static final String DEFAULT_MODEL = ImageVerticle.NAME;
    public static final String HEADER_SEED = "X-Tessera-Seed";
    public static final String PNG = "image/png";
    public static final String ZIP = "application/zip";
    /** Image models by name and their bus address; the distilled one-step student joins here. */
    static final Map<String, String> MODELS = Map.of(ImageVerticle.NAME, Addresses.IMAGE_GENERATE,
            "image-dd", Addresses.DISTILL_IMAGE_GENERATE);
    static final Set<String> BODY_KEYS = Set.of("model", "params", "n", "seed", "format", "timeoutMs");
    /** Set by the top-level fields or meaningless without the studio, so refused inside {@code params}. */
    static final Map<String, String> RESERVED_PARAMS = Map.of("count", "send n (1.." + MAX_N + ") at the top level",
            "seed", "send seed at the top level", "previewEvery", "previews are streamed by the studio only");

    /** A checked request. */
    public record Call(String model, String address, JsonObject params, int n, long timeoutMs) {

        /** What the model gets: the sampling params plus count, seed, and no previews. */
        public TesseraPayload payload(Long seed) {
            JsonObject p = params.copy().put("count", n).put("previewEvery", 0);
            if (seed != null) {
                p.put("seed", seed);
            }
            return TesseraPayload.of(p);
        }
    }

    @Override
    public void addRoutes(Router router, ServerContext context) {
        router.post(PATH).handler(ctx -> generate(ctx, context.vertx()));
    }

    private static void generate(RoutingContext ctx, Vertx vertx) {
        String type = VocodeRoutes.mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (!type.isEmpty() && !type.equals("application/json")) {
            throw new ApiException(ApiError.of(415, "unsupported_media_type", "Content-Type " + type
                    + " is not accepted by " + PATH + "; send application/json"));
        }
        Buffer body = ctx.body().buffer();
        JsonObject json = parseJson(body == null ? new byte[0] : body.getBytes());
        Call call = call(json, ctx.request().getHeader(Deadlines.HEADER));
        Long seed = seed(json);
        boolean png = call.n() == 1 && acceptsPng(ctx.request().getHeader(HttpHeaders.ACCEPT));
        String jobId = UUID.randomUUID().toString();
        HttpServerResponse response = ctx.response();
        boolean[] answered = {false};
        response.closeHandler(v -> {
            if (!answered[0]) {
                ModelClient.cancel(vertx.eventBus(), jobId, "disconnect");
            }
        });
        ModelClient.request(vertx.eventBus(), call.address(), jobId, call.payload(seed), call.timeoutMs(), "rest")
                .compose(reply -> vertx.executeBlocking(() -> encode(reply, png), false))
                .onComplete(ar -> {
                    answered[0] = true;
                    if (ar.failed()) {
                        fail(ctx, ar.cause(), call);
                        return;
                    }
                    if (response.closed()) {
                        return;
                    }
                    Reply r = ar.result();
                    response.putHeader(HttpHeaders.CONTENT_TYPE, png ? PNG : ZIP)
                            .putHeader(VocodeRoutes.HEADER_JOB_ID, jobId)
                            .putHeader(HEADER_SEED, Long.toString(r.seed()));
                    if (!png) {
                        response.putHeader("Content-Disposition", "attachment; filename=\"images-" + r.seed()
                                + ".zip\"");
                    }
                    response.end(Buffer.buffer(r.bytes()));
                });
    }

    /** The encoded reply and the seed the model used. */
    record Reply(byte[] bytes, long seed) {
    }

    /** One PNG, or a zip of every PNG plus {@code result.json}; worker-pool work. */
    static Reply encode(Message<TesseraPayload> reply, boolean png) {
        JsonObject params = reply.body().params();
        long seed = params.getLong("seed");
        List<Blob> images = reply.body().blobs();
        if (png) {
            return new Reply(images.get(0).bytes(), seed);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            // PNGs are already deflated; storing them again compressed only costs time.
            zip.setLevel(1);
            for (int i = 0; i < images.size(); i++) {
                zip.putNextEntry(new ZipEntry("image-" + seed + "-" + i + ".png"));
                zip.write(images.get(i).bytes());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("result.json"));
            zip.write(params.encodePrettily().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(bytes.toByteArray(), seed);
    }

    /** The body as a JSON object, or 400 naming {@code body}. */
    public static JsonObject parseJson(byte[] body) {
        if (body.length == 0) {
            throw bad("body", "the body is empty; send a JSON object such as {\"params\": {\"class\": 0}, \"n\": 1}");
        }
        Object value;
        try {
            value = Buffer.buffer(body).toJsonValue();
        } catch (DecodeException | IllegalStateException e) {
            throw bad("body", "the body is not valid JSON: " + e.getMessage());
        }
        if (!(value instanceof JsonObject json)) {
            throw bad("body", "the body must be a JSON object such as {\"params\": {\"class\": 0}, \"n\": 1}");
        }
        return json;
    }

    /**
     * Checks a body. Every mistake is an {@link ApiException}: 400 {@code bad_input} naming its field in
     * {@code details.fields}, or 404 for an unknown model. The model checks {@code params} itself.
     */
    public static Call call(JsonObject json, String timeoutHeader) {
        Set<String> unknown = new TreeSet<>(json.fieldNames());
        unknown.removeAll(BODY_KEYS);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw bad(key, "unknown field '" + key + "'; " + PATH + " takes " + new TreeSet<>(BODY_KEYS));
        }
        Object modelValue = json.getValue("model");
        if (modelValue != null && !(modelValue instanceof String)) {
            throw bad("model", "model must be a string such as \"" + DEFAULT_MODEL + "\", got " + modelValue);
        }
        String model = modelValue == null ? DEFAULT_MODEL : (String) modelValue;
        String address = MODELS.get(model);
        if (address == null) {
            throw new ApiException(ApiError.notFound("no image model named '" + model + "'; image models: "
                    + new TreeSet<>(MODELS.keySet())));
        }
        Object paramsValue = json.getValue("params");
        if (paramsValue != null && !(paramsValue instanceof JsonObject)) {
            throw bad("params", "params must be a JSON object of sampling settings, e.g. {\"class\": \"circle\","
                    + " \"temperature\": 1.0}, got " + paramsValue);
        }
        JsonObject params = paramsValue == null ? new JsonObject() : (JsonObject) paramsValue;
        for (Map.Entry<String, String> reserved : RESERVED_PARAMS.entrySet()) {
            if (params.containsKey(reserved.getKey())) {
                throw bad("params." + reserved.getKey(), "params." + reserved.getKey() + " is not accepted here: "
                        + reserved.getValue());
            }
        }
        long n = whole(json.getValue("n"), "n", 1, 1, MAX_N,
                "n must be a whole number of images in 1.." + MAX_N + "; for more, send several requests or a batch");
        Object format = json.getValue("format");
        if (format != null && !"png".equals(format)) {
            throw bad("format", "format must be \"png\", got " + format);
        }
        long timeoutMs = Deadlines.timeoutMs(json.getValue(Deadlines.FIELD), timeoutHeader, DEFAULT_TIMEOUT_MS);
        return new Call(model, address, params, (int) n, timeoutMs);
    }

    /** The seed sent, or null to let the model draw one. */
    public static Long seed(JsonObject json) {
        Object v = json.getValue("seed");
        return v == null ? null : whole(v, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE,
                "seed must be a whole number (image i of seed s is always the same), got " + v);
    }

    /** Whether {@code Accept} names {@code image/png} or {@code image/*} with a non-zero quality. */
    static boolean acceptsPng(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String mediaType = parts[0].strip().toLowerCase(Locale.ROOT);
            if (!mediaType.equals(PNG) && !mediaType.equals("image/*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(p.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = false;
                    }
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    private static long whole(Object v, String field, long fallback, long min, long max, String message) {
        if (v == null) {
            return fallback;
        }
        boolean integral = v instanceof Integer || v instanceof Long
                || (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 9e15);
        if (!integral || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            throw bad(field, message + (message.contains("got") ? "" : ", got " + v));
        }
        return ((Number) v).longValue();
    }

    private static void fail(RoutingContext ctx, Throwable e, Call call) {
        BusErrors.reply(ctx, e, call.timeoutMs(), "ask for fewer images");
    }

    private static ApiException bad(String field, String message) {
        return new ApiException(ApiError.badInput(field, message));
    }
}
