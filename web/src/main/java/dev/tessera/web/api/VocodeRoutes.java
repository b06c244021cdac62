package dev.tessera.web.api;

import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.audio.serve.VocoderVerticle;
import dev.tessera.audio.wav.AudioInputException;
import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;
import dev.tessera.web.server.RouteContributor;
import dev.tessera.web.server.ServerContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/vocode} (serving spec 3.2): a WAV (re-analysed to mel) or an 80-bin log-mel as
 * {@code .npy} in, {@code audio/wav} out, through the vocoder model on {@link Addresses#AUDIO_VOCODE}.
 *
 * <ul>
 *   <li>Body: {@code audio/wav} (PCM 16/24/32-bit or float32, mono or stereo, averaged; 22,050 Hz only) or
 *       {@code application/x-npy} ({@code <f4}, C order, (80, frames) or (1, 80, frames)); anything else is
 *       415. At most 32 MiB and 120 s of audio (413).</li>
 *   <li>Query: {@code model} ({@code vocoder} | {@code griffin-lim}), {@code steps} (1..64, default 16),
 *       {@code sampler} ({@code midpoint} | {@code euler}), {@code seed}, {@code format} ({@code s16} |
 *       {@code f32}), {@code stream} ({@code false} | {@code true}), {@code timeoutMs} (or the header
 *       {@code X-Tessera-Timeout-Ms}; default 30 s, at most 10 min). Unknown names are a 400.</li>
 *   <li>Reply: {@code 200 audio/wav}, mono 22,050 Hz, frames × 256 samples, with {@code X-Tessera-Job-Id},
 *       {@code X-Tessera-Queue-Ms} and {@code X-Tessera-Compute-Ms}. Errors are {@link ApiError} JSON; a
 *       model's failure keeps its code (503 with {@code Retry-After} when busy or not ready, 408 past the
 *       deadline, 499 cancelled).</li>
 *   <li>Streaming ({@code stream=true}): chunked transfer; the WAV header's RIFF and data sizes are
 *       0xFFFFFFFF, then PCM follows as each window is vocoded ({@code StreamingVocoder}). The job id is a
 *       header; queue and compute times come as trailers. The head is sent with the first window, so errors
 *       before it are ordinary error replies; a failure after it resets the stream, so a truncated file
 *       never looks complete.</li>
 *   <li>A client that disconnects before the reply is complete cancels its job
 *       ({@code tessera.jobs.cancel}, reason {@code disconnect}); a running job stops at its next step.</li>
 * </ul>
 *
 * <p>Decoding and encoding run on the worker pool, never on the event loop.
 */
public final class VocodeRoutes implements RouteContributor {

    public static final String PATH = "/api/v1/vocode";
    public static final String HEADER_JOB_ID = "X-Tessera-Job-Id";
    public static final String HEADER_QUEUE_MS = "X-Tessera-Queue-Ms";
    public static final String HEADER_COMPUTE_MS = "X-Tessera-Compute-Ms";
    public static final String HEADER_TIMEOUT_MS = "X-Tessera-Timeout-Ms";
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    public static final long MAX_TIMEOUT_MS = 600_000;
    /** How long a stream waits, after the reply, for windows still on their way before it gives up. */
    static final long LATE_WINDOW_MILLIS = 5_000;

    static final Set<String> WAV_TYPES = Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave");
    static final String NPY_TYPE = "application/x-npy";
    private static final List<String> QUERY = List.of("model", "steps", "sampler", "seed", "format", "stream",
            "timeoutMs");
    private static final Logger LOG = LoggerFactory.getLogger(VocodeRoutes.class);

    /** A checked request: what to send the model and how to answer. */
    record Call(VocodeSettings settings, WavEncoding encoding, long timeoutMs) {
    }

    /** The decoded body: the blob for the model and the samples the reply will have. */
    public record Input(Blob blob, long samples) {
    }

    @Override
    public void addRoutes(Router router, ServerContext context) {
        router.post(PATH).handler(ctx -> vocode(ctx, context.vertx()));
    }

    @Override
    public Map<String, Long> bodyLimits() {
        return Map.of(PATH, VocodeLimits.MAX_BODY_BYTES);
    }

    private static void vocode(RoutingContext ctx, Vertx vertx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        boolean wav = WAV_TYPES.contains(type);
        if (!wav && !NPY_TYPE.equals(type)) {
            throw new ApiException(ApiError.of(415, "unsupported_media_type", (type.isEmpty() ? "no Content-Type"
                    : "Content-Type " + type) + " is not accepted by " + PATH + "; send audio/wav (22,050 Hz) or "
                    + NPY_TYPE + " (float32 log-mel, (80, frames))"));
        }
        Call call = call(ctx);
        Buffer body = ctx.body().buffer();
        // Copying and decoding up to 32 MiB is worker-pool work, not event-loop work.
        vertx.executeBlocking(() -> {
                    byte[] bytes = body == null ? new byte[0] : body.getBytes();
                    return wav ? fromWav(bytes) : fromNpy(bytes);
                }, false)
                .onSuccess(input -> {
                    TesseraPayload payload = TesseraPayload.of(call.settings().toParams(), input.blob());
                    if (call.settings().stream()) {
                        new Stream(ctx, vertx, call, input.samples()).start(payload);
                    } else {
                        whole(ctx, vertx, call, payload);
                    }
                })
                .onFailure(ctx::fail);
    }

    /** Parses the query: every value checked, unknown names refused. */
    static Call call(RoutingContext ctx) {
        var q = ctx.queryParams();
        for (String name : q.names()) {
            if (!QUERY.contains(name)) {
                throw badField(name, "unknown query parameter '" + name + "'; " + PATH + " takes " + QUERY);
            }
        }
        JsonObject params = new JsonObject();
        if (q.contains("model")) {
            params.put("model", q.get("model"));
        }
        if (q.contains("sampler")) {
            params.put("sampler", q.get("sampler"));
        }
        if (q.contains("steps")) {
            params.put("steps", whole(q.get("steps"), "steps", "in 1.." + VocodeSettings.MAX_STEPS));
        }
        if (q.contains("seed")) {
            params.put("seed", whole(q.get("seed"), "seed", ""));
        }
        String stream = q.get("stream");
        if (stream != null && !stream.equals("true") && !stream.equals("false")) {
            throw badField("stream", "stream must be true or false, got '" + stream + "'");
        }
        params.put("stream", "true".equals(stream));
        String format = q.get("format") == null ? "s16" : q.get("format");
        WavEncoding encoding = switch (format) {
            case "s16" -> WavEncoding.PCM_16;
            case "f32" -> WavEncoding.FLOAT_32;
            default -> throw badField("format", "format must be s16 (16-bit PCM) or f32 (32-bit float), got '"
                    + format + "'");
        };
        String timeout = q.contains("timeoutMs") ? q.get("timeoutMs") : ctx.request().getHeader(HEADER_TIMEOUT_MS);
        long timeoutMs = DEFAULT_TIMEOUT_MS;
        if (timeout != null) {
            timeoutMs = whole(timeout, "timeoutMs", "in 1.." + MAX_TIMEOUT_MS);
            if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
                throw badField("timeoutMs", "timeoutMs must be a whole number in 1.." + MAX_TIMEOUT_MS + " (10 min), got "
                        + timeout);
            }
        }
        try {
            return new Call(VocodeSettings.fromParams(params), encoding, timeoutMs);
        } catch (JobFailure f) {
            throw new ApiException(BusErrors.toApiError(f));
        }
    }

    private static long whole(String value, String field, String range) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw badField(field, field + " must be a whole number" + (range.isEmpty() ? "" : " " + range) + ", got '"
                    + value + "'");
        }
    }

    private static ApiException badField(String field, String message) {
        return new ApiException(ApiError.badInput(message)
                .withDetails(new JsonObject().put("fields", new JsonObject().put(field, message))));
    }

    /** A WAV body: decoded, checked for the model's rate and the length limit; mono samples for the model. */
    public static Input fromWav(byte[] bytes) {
        WavAudio audio;
        try {
            audio = new WavReader(VocodeLimits.MAX_SECONDS).read(bytes);
        } catch (AudioInputException e) {
            ApiError error = e.reason() == AudioInputException.Reason.TOO_LONG
                    ? ApiError.tooLarge(e.getMessage() + " (" + PATH + " takes at most " + VocodeLimits.MAX_SECONDS + " s)")
                    : ApiError.badInput(e.getMessage()).withDetails(fields("body", e.getMessage()));
            throw new ApiException(error);
        }
        if (audio.sampleRate() != VocodeLimits.SAMPLE_RATE) {
            String message = "expected " + VocodeLimits.SAMPLE_RATE + " Hz audio, got " + audio.sampleRate()
                    + " Hz; resample it to " + VocodeLimits.SAMPLE_RATE + " Hz first (e.g. sox in.wav -r 22050 out.wav)"
                    + " or send its log-mel as " + NPY_TYPE;
            throw new ApiException(ApiError.badInput(message).withDetails(fields("sampleRate", message)));
        }
        float[] samples = audio.samples();
        return new Input(Blob.ofFloats("pcm", samples, samples.length),
                (long) (samples.length / VocodeLimits.HOP) * VocodeLimits.HOP);
    }

    /** An .npy body: a strict parse, then the (80, frames) shape and the length limit. */
    public static Input fromNpy(byte[] bytes) {
        Npy.Array array;
        try {
            array = Npy.read(bytes);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.badInput(e.getMessage()).withDetails(fields("body", e.getMessage())));
        }
        long[] s = array.shape();
        boolean ok = (s.length == 2 || (s.length == 3 && s[0] == 1)) && s[s.length - 2] == VocodeLimits.N_MELS
                && s[s.length - 1] >= 1;
        if (!ok) {
            String message = "expected a log-mel of shape (" + VocodeLimits.N_MELS + ", frames) or (1, "
                    + VocodeLimits.N_MELS + ", frames) with frames >= 1, got " + Npy.shapeString(s);
            throw new ApiException(ApiError.badInput(message).withDetails(fields("mel", message)));
        }
        long frames = s[s.length - 1];
        if (frames > VocodeLimits.MAX_FRAMES) {
            throw new ApiException(ApiError.tooLarge(String.format(Locale.ROOT, "the mel has %d frames (%.1f s); %s"
                    + " takes at most %d frames (%d s)", frames, frames * (double) VocodeLimits.HOP
                    / VocodeLimits.SAMPLE_RATE, PATH, VocodeLimits.MAX_FRAMES, VocodeLimits.MAX_SECONDS)));
        }
        return new Input(Blob.ofFloats("mel", array.values(), VocodeLimits.N_MELS, frames), frames * VocodeLimits.HOP);
    }

    private static JsonObject fields(String field, String message) {
        return new JsonObject().put("fields", new JsonObject().put(field, message));
    }

    /** The media type of a Content-Type header, lower case, without parameters; "" when absent. */
    static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** One reply with the whole file. */
    private static void whole(RoutingContext ctx, Vertx vertx, Call call, TesseraPayload payload) {
        String jobId = UUID.randomUUID().toString();
        HttpServerResponse response = ctx.response();
        boolean[] answered = {false};
        response.closeHandler(v -> {
            if (!answered[0]) {
                ModelClient.cancel(vertx.eventBus(), jobId, "disconnect");
            }
        });
        ModelClient.request(vertx.eventBus(), Addresses.AUDIO_VOCODE, jobId, payload, call.timeoutMs(), "rest")
                .compose(reply -> vertx.executeBlocking(() -> {
                    float[] pcm = reply.body().requireBlob("pcm").toFloats();
                    return new Object[] {reply.body().params(), WavWriter.write(pcm, VocodeLimits.SAMPLE_RATE,
                            call.encoding())};
                }, false))
                .onComplete(ar -> {
                    answered[0] = true;
                    if (ar.failed()) {
                        fail(ctx, ar.cause(), call);
                        return;
                    }
                    if (response.closed()) {
                        return;
                    }
                    JsonObject params = (JsonObject) ar.result()[0];
                    response.putHeader(HttpHeaders.CONTENT_TYPE, "audio/wav")
                            .putHeader(HEADER_JOB_ID, jobId)
                            .putHeader(HEADER_QUEUE_MS, Long.toString(params.getLong("queueMs", 0L)))
                            .putHeader(HEADER_COMPUTE_MS, Long.toString(params.getLong("computeMs", 0L)))
                            .end(Buffer.buffer((byte[]) ar.result()[1]));
                });
    }

    private static void fail(RoutingContext ctx, Throwable e, Call call) {
        if (e instanceof JobFailure f) {
            ApiError error = BusErrors.toApiError(f);
            if (f.code() == FailureCode.DEADLINE_EXCEEDED) {
                error = new ApiError(error.status(), error.code(), error.message() + " (timeout " + call.timeoutMs()
                        + " ms; raise timeoutMs, up to " + MAX_TIMEOUT_MS + ", or send fewer steps)",
                        error.retryAfterSeconds(), error.details());
            }
            error.send(ctx);
        } else {
            ctx.fail(e);
        }
    }

    /**
     * The header of a streamed WAV: sizes unknown to a reader that trusts them (RIFF and data size
     * 0xFFFFFFFF, read to the end of the stream, audio spec 1.1); a float file's fact chunk keeps the
     * sample count, which is known.
     */
    static byte[] streamingHeader(long samples, WavEncoding encoding) {
        byte[] header = WavWriter.header(samples, VocodeLimits.SAMPLE_RATE, encoding);
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, -1);                                   // RIFF size
        b.putInt(header.length - 4, -1);                   // data size: the last field of the header
        return header;
    }

    /**
     * One streamed reply: windows arrive as progress previews, in order, and are written as they come; the
     * reply says how many samples there were, and the response ends once exactly that many went out.
     * Touched only on the route's event loop.
     */
    private static final class Stream {
        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final Vertx vertx;
        private final Call call;
        private final long expectedSamples;
        private final String jobId = UUID.randomUUID().toString();
        private MessageConsumer<TesseraPayload> progress;
        private int nextWindow;
        private long written;
        private JsonObject replyParams;
        private long lateTimer = -1;
        private boolean finished;

        Stream(RoutingContext ctx, Vertx vertx, Call call, long expectedSamples) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.vertx = vertx;
            this.call = call;
            this.expectedSamples = expectedSamples;
        }

        void start(TesseraPayload payload) {
            response.closeHandler(v -> {
                if (!finished) {
                    finished = true;
                    stopListening();
                    ModelClient.cancel(vertx.eventBus(), jobId, "disconnect");
                }
            });
            progress = ModelClient.follow(vertx.eventBus(), jobId, this::onProgress, ended -> { });
            progress.completion()
                    .compose(v -> ModelClient.request(vertx.eventBus(), Addresses.AUDIO_VOCODE, jobId, payload,
                            call.timeoutMs(), "rest"))
                    .onSuccess(this::onReply)
                    .onFailure(this::onFailure);
        }

        private void onProgress(JobProgress p) {
            if (finished || p.preview() == null || !VocoderVerticle.STREAM_STAGE.equals(p.stage())) {
                return;
            }
            if (p.stageIndex() != nextWindow) {
                abort("window " + p.stageIndex() + " arrived while window " + nextWindow + " was expected");
                return;
            }
            nextWindow++;
            float[] samples = p.preview().toFloats();
            if (!response.headWritten()) {
                response.setStatusCode(200).setChunked(true)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "audio/wav")
                        .putHeader(HEADER_JOB_ID, jobId)
                        .putHeader("Trailer", HEADER_QUEUE_MS + ", " + HEADER_COMPUTE_MS);
                response.write(Buffer.buffer(streamingHeader(expectedSamples, call.encoding())));
            }
            written += samples.length;
            if (written > expectedSamples) {
                abort(written + " samples arrived, " + expectedSamples + " were expected");
                return;
            }
            response.write(Buffer.buffer(WavWriter.encode(samples, 0, samples.length, call.encoding())));
            endIfComplete();
        }

        private void onReply(Message<TesseraPayload> reply) {
            if (finished) {
                return;
            }
            replyParams = reply.body().params();
            long samples = replyParams.getLong("samples", -1L);
            if (samples != expectedSamples) {
                abort("the model reports " + samples + " samples, " + expectedSamples + " were expected");
                return;
            }
            if (!endIfComplete()) {
                // On a clustered bus the last windows may still be on their way.
                lateTimer = vertx.setTimer(LATE_WINDOW_MILLIS, id -> abort("only " + written + " of " + expectedSamples
                        + " samples arrived within " + LATE_WINDOW_MILLIS + " ms of the reply"));
            }
        }

        private boolean endIfComplete() {
            if (replyParams == null || written != expectedSamples || finished) {
                return false;
            }
            finished = true;
            vertx.cancelTimer(lateTimer);
            stopListening();
            response.putTrailer(HEADER_QUEUE_MS, Long.toString(replyParams.getLong("queueMs", 0L)))
                    .putTrailer(HEADER_COMPUTE_MS, Long.toString(replyParams.getLong("computeMs", 0L)))
                    .end();
            return true;
        }

        private void onFailure(Throwable e) {
            if (finished) {
                return;
            }
            finished = true;
            stopListening();
            fail(ctx, e, call);                            // resets the stream when its head is out
        }

        private void abort(String why) {
            if (finished) {
                return;
            }
            LOG.warn("vocode stream of job {} reset: {}", jobId, why);
            finished = true;
            vertx.cancelTimer(lateTimer);
            stopListening();
            ModelClient.cancel(vertx.eventBus(), jobId, "stream broken");
            response.reset();
        }

        /**
         * The consumer drops itself when the job's end event arrives (the model publishes one for every job,
         * right after its answer); this is the backstop for a job whose model is gone.
         */
        private void stopListening() {
            if (progress != null) {
                MessageConsumer<TesseraPayload> consumer = progress;
                vertx.setTimer(LATE_WINDOW_MILLIS, id -> consumer.unregister());
            }
        }
    }
}
