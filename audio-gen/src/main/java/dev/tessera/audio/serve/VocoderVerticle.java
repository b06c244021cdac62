package dev.tessera.audio.serve;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.Job;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.ParamsSchema;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import io.vertx.core.json.JsonObject;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Serves the vocoder on {@link Addresses#AUDIO_VOCODE}: mel (or PCM, re-analysed) in, waveform out.
 *
 * <p>Request: exactly one blob, {@code mel} (float32, (80, frames) or (1, 80, frames), natural-log mel of
 * the HiFi-GAN convention) or {@code pcm} (float32 mono at 22,050 Hz, (samples) or (1, samples)); at most
 * 120 s of audio ({@code too_large} beyond). Params: see {@link VocodeSettings} ({@code model}, {@code steps},
 * {@code sampler}, {@code seed}, {@code stream}).
 *
 * <p>Reply: blob {@code pcm}, float32 (frames × 256); params {@code sampleRate}, {@code frames},
 * {@code samples}, {@code queueMs}, {@code computeMs}, {@code batchSize} and the settings used. A PCM
 * input comes back as its length rounded down to whole frames. Progress after each ODE step; a cancel or
 * the deadline stops a job between steps.
 *
 * <p>Streaming ({@code stream: true}): the job is vocoded window by window ({@link StreamingVocoder}); each
 * window's final samples go out as the preview blob {@code pcm} of the progress event that ends that window
 * (stage {@code window}, stage index = chunk index, step = total), and the reply carries no blob, only the
 * params ({@code windows}, {@code samples}), so a front end can check that it forwarded every sample
 * ({@link WindowPreviews}, which the Turbo students' verticle uses too).
 *
 * <p>Batching (serving spec 6): requests share a forward pass when model, steps and solver agree and their
 * lengths fall in the same 64-frame bucket; each keeps its own seed, and masks make its audio independent of
 * its batch-mates. Streams and Griffin-Lim run one job at a time.
 *
 * <p>Config ({@code models/vocoder/serving.json}): {@code checkpoint} (default: {@link MelVocoder#checkpointName}),
 * {@code streamChunkFrames} (32), {@code streamContextFrames} (16), {@code streamCrossfade} (256), plus the
 * batching keys of {@link ModelVerticle}.
 */
public final class VocoderVerticle extends ModelVerticle<VocoderVerticle.Request> {

    public static final String NAME = "vocoder";
    /** Frames per batching bucket: lengths are padded to a multiple of 64 frames at most (serving spec 6). */
    public static final int BUCKET_FRAMES = 64;
    public static final String STREAM_STAGE = "window";

    /**
     * A validated request.
     *
     * @param mel (80, frames) row-major log-mel, or null when {@code pcm} is given
     * @param pcm mono samples at 22,050 Hz, or null
     * @param frames mel frames: given, or floor(samples / 256)
     */
    public record Request(VocodeSettings settings, float[] mel, float[] pcm, int frames) {
    }

    private final Path modelDir;
    private MelVocoder vocoder;
    private StreamingVocoder streaming;

    /** @param modelDir the folder with the checkpoint, e.g. {@code models/vocoder} */
    public VocoderVerticle(Path modelDir) {
        super(NAME, Addresses.AUDIO_VOCODE);
        this.modelDir = modelDir;
    }

    @Override
    protected void load() throws Exception {
        StreamingVocoder.Windowing windowing = StreamingVocoder.Windowing.fromConfig(config());
        vocoder = MelVocoder.load(modelDir, config().getString("checkpoint"));
        vocoder.selfTest();
        streaming = new StreamingVocoder(vocoder, windowing);
    }

    @Override
    protected void unload() {
        if (vocoder != null) {
            vocoder.close();
        }
    }

    /** Requests for the Turbo students go on to the distill module's verticle ({@link VocodeSettings#address()}). */
    @Override
    protected String forwardAddress(TesseraPayload body) {
        Object model = body.params().getValue("model");
        return VocodeSettings.VOCODER_TURBO.equals(model) ? Addresses.DISTILL_AUDIO_VOCODE : null;
    }

    /**
     * {@link VocodeSettings} plus the input, which a front end uploads as a WAV at the model's rate and sends
     * as the {@code pcm} blob; previews are the streamed windows ({@code stream:true}).
     */
    @Override
    protected JsonObject paramsSchema() {
        VocodeSettings d = VocodeSettings.DEFAULT;
        ParamsSchema schema = wavInput(ParamsSchema.of(NAME, "mel-conditioned flow-matching vocoder: a "
                        + VocodeLimits.SAMPLE_RATE + " Hz WAV is re-analysed to mel and vocoded (checkpoint "
                        + vocoder.name() + ")"))
                .choice("model", "vocoder, or the Griffin-Lim baseline", VocodeSettings.MODELS, false, d.model())
                .integer("steps", "ODE steps", 1, VocodeSettings.MAX_STEPS, (long) d.steps())
                .choice("sampler", "ODE solver (midpoint: 2 evaluations per step)", VocodeSettings.SAMPLERS, false,
                        d.sampler());
        return seedStreamAndOutput(schema).toJson();
    }

    /** The form's first field, shared by every vocoder's schema: the WAV a front end uploads as {@code pcm}. */
    public static ParamsSchema wavInput(ParamsSchema schema) {
        return schema.upload("input", "a mono or stereo WAV at " + VocodeLimits.SAMPLE_RATE + " Hz, at most "
                + VocodeLimits.MAX_SECONDS + " s", "audio/wav", "pcm", VocodeLimits.SAMPLE_RATE);
    }

    /**
     * The form's last fields, shared by every vocoder's schema: the seed, streaming (whose windows are the
     * previews), the audio output and the default deadline.
     */
    public static ParamsSchema seedStreamAndOutput(ParamsSchema schema) {
        return schema.integer("seed", "key of the starting noise: same seed, same audio", 0, Integer.MAX_VALUE,
                        VocodeSettings.DEFAULT.seed())
                .bool("stream", "send the audio window by window as it is made", false)
                .output("audio", VocodeLimits.SAMPLE_RATE)
                .previews("stream", true)
                .timeoutMs(30_000);
    }

    @Override
    protected Request parse(TesseraPayload body) {
        return parseRequest(body);
    }

    /** Validates a request: shapes, lengths and finiteness of the input, and the settings. */
    public static Request parseRequest(TesseraPayload body) {
        VocodeSettings settings = VocodeSettings.fromParams(body.params());
        Blob mel = body.blob("mel").orElse(null);
        Blob pcm = body.blob("pcm").orElse(null);
        if ((mel == null) == (pcm == null)) {
            throw JobFailure.badInput(mel == null ? "mel" : "pcm", "send exactly one of the blobs 'mel' (float32, ("
                    + VocodeLimits.N_MELS + ", frames)) and 'pcm' (float32 mono at " + VocodeLimits.SAMPLE_RATE
                    + " Hz); got " + body.blobs().stream().map(Blob::name).toList());
        }
        if (mel != null) {
            long[] s = mel.shape();
            requireFloat32(mel);
            boolean ok = s.length == 2 || (s.length == 3 && s[0] == 1);
            if (!ok) {
                throw JobFailure.badInput("mel", "mel must have shape (" + VocodeLimits.N_MELS + ", frames) or (1, "
                        + VocodeLimits.N_MELS + ", frames), got " + Arrays.toString(s));
            }
            long bins = s[s.length - 2];
            long frames = s[s.length - 1];
            if (bins != VocodeLimits.N_MELS) {
                throw JobFailure.badInput("mel", "expected " + VocodeLimits.N_MELS + " mel bins, got " + bins
                        + " (shape " + Arrays.toString(s) + ")");
            }
            if (frames < 1) {
                throw JobFailure.badInput("mel", "the mel has no frames");
            }
            if (frames > VocodeLimits.MAX_FRAMES) {
                throw JobFailure.tooLarge(String.format(Locale.ROOT, "the mel has %d frames (%.1f s of audio); at most"
                        + " %d frames (%d s) are vocoded in one request", frames,
                        frames * (double) VocodeLimits.HOP / VocodeLimits.SAMPLE_RATE, VocodeLimits.MAX_FRAMES,
                        VocodeLimits.MAX_SECONDS));
            }
            float[] values = finite(mel, (int) frames);
            return new Request(settings, values, null, (int) frames);
        }
        long[] s = pcm.shape();
        requireFloat32(pcm);
        if (!(s.length == 1 || (s.length == 2 && s[0] == 1))) {
            throw JobFailure.badInput("pcm", "pcm must be mono, shape (samples) or (1, samples), got "
                    + Arrays.toString(s));
        }
        long samples = s[s.length - 1];
        if (samples < VocodeLimits.HOP) {
            throw JobFailure.badInput("pcm", "pcm has " + samples + " samples; at least " + VocodeLimits.HOP
                    + " (one frame) are needed");
        }
        if (samples > VocodeLimits.MAX_SAMPLES) {
            throw JobFailure.tooLarge(String.format(Locale.ROOT, "the audio is %.1f s long; at most %d s are vocoded"
                    + " in one request", samples / (double) VocodeLimits.SAMPLE_RATE, VocodeLimits.MAX_SECONDS));
        }
        float[] values = finite(pcm, 0);
        return new Request(settings, null, values, (int) (samples / VocodeLimits.HOP));
    }

    private static void requireFloat32(Blob b) {
        if (!"float32".equals(b.dtype())) {
            throw JobFailure.badInput(b.name(), b.name() + " must be float32, got '" + b.dtype() + "'");
        }
    }

    /** The blob's values; a NaN or infinity fails naming where it is (bin and frame for a mel). */
    private static float[] finite(Blob b, int frames) {
        FloatBuffer view = b.floatView();
        float[] values = new float[view.remaining()];
        view.get(values);
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                String where = frames > 0 ? "bin " + i / frames + ", frame " + i % frames : "sample " + i;
                throw JobFailure.badInput(b.name(), b.name() + " holds " + values[i] + " at " + where
                        + "; every value must be finite" + (frames > 0 ? " (silence is ln(1e-5) = -11.51)" : ""));
            }
        }
        return values;
    }

    @Override
    protected Object batchKey(Request r) {
        VocodeSettings s = r.settings();
        if (s.stream() || s.model().equals(VocodeSettings.GRIFFIN_LIM)) {
            return List.of(s.model(), s.stream());              // one job at a time (forEachLive)
        }
        return List.of(s.model(), s.steps(), s.sampler(), (r.frames() - 1) / BUCKET_FRAMES);
    }

    @Override
    protected void runBatch(Batch<Request> batch) {
        long start = System.nanoTime();
        List<Job<Request>> jobs = batch.live();
        if (jobs.isEmpty()) {
            return;
        }
        VocodeSettings first = jobs.get(0).request().settings();
        if (first.stream()) {
            batch.forEachLive(this::stream);
        } else if (first.model().equals(VocodeSettings.GRIFFIN_LIM)) {
            batch.forEachLive(this::griffinLim);
        } else {
            vocodeTogether(batch, jobs, first, start);
        }
    }

    /** Thrown from a step listener when every job of the batch has stopped: the rest is not worth computing. */
    private static final class BatchStopped extends RuntimeException {
        BatchStopped() {
            super(null, null, false, false);
        }
    }

    private void vocodeTogether(Batch<Request> batch, List<Job<Request>> jobs, VocodeSettings settings, long start) {
        List<MelVocoder.Item> items = new ArrayList<>(jobs.size());
        for (Job<Request> job : jobs) {
            Request r = job.request();
            items.add(new MelVocoder.Item(melOf(r), r.frames(), r.settings().seed(), 0));
        }
        List<float[]> audio;
        try {
            audio = vocoder.vocode(items, settings.flowSampler(), settings.steps(), (step, steps) -> {
                List<Job<Request>> live = batch.live();              // answers cancelled and expired jobs now
                if (live.isEmpty()) {
                    throw new BatchStopped();
                }
                for (Job<Request> job : live) {
                    job.context().progress(step, steps);
                }
            });
        } catch (BatchStopped e) {
            return;
        }
        long end = System.nanoTime();
        for (Job<Request> job : batch.live()) {
            float[] pcm = audio.get(jobs.indexOf(job));
            batch.complete(job, TesseraPayload.of(replyParams(job, start, end, jobs.size()),
                    Blob.ofFloats("pcm", pcm, pcm.length)));
        }
    }

    private TesseraPayload griffinLim(Job<Request> job) {
        long start = System.nanoTime();
        Request r = job.request();
        float[] pcm = vocoder.griffinLim(melOf(r), r.frames(), r.settings().seed());
        job.context().progress(1, 1);
        return TesseraPayload.of(replyParams(job, start, System.nanoTime(), 1),
                Blob.ofFloats("pcm", pcm, pcm.length));
    }

    private TesseraPayload stream(Job<Request> job) {
        long start = System.nanoTime();
        Request r = job.request();
        VocodeSettings s = r.settings();
        WindowPreviews previews = new WindowPreviews(job.context());
        float[] mel = melOf(r);
        if (s.model().equals(VocodeSettings.GRIFFIN_LIM)) {
            previews.accept(0, 1, vocoder.griffinLim(mel, r.frames(), s.seed()));
        } else {
            previews.vocode(streaming, mel, r.frames(), s);
        }
        return TesseraPayload.of(previews.putCounts(replyParams(job, start, System.nanoTime(), 1)));
    }

    private float[] melOf(Request r) {
        return r.mel() != null ? r.mel() : vocoder.analyse(r.pcm());
    }

    private JsonObject replyParams(Job<Request> job, long computeStart, long end, int batchSize) {
        return replyParams(job, computeStart, end, batchSize, vocoder.name());
    }

    /**
     * A vocoder reply's params, shared with the Turbo students' verticle: the settings used, the lengths, the
     * checkpoint that made the audio and where the time went.
     */
    public static JsonObject replyParams(Job<Request> job, long computeStart, long end, int batchSize,
                                         String checkpoint) {
        Request r = job.request();
        return r.settings().toParams()
                .put("sampleRate", VocodeLimits.SAMPLE_RATE)
                .put("frames", r.frames())
                .put("samples", r.frames() * VocodeLimits.HOP)
                .put("queueMs", Math.max(0, (computeStart - job.enqueuedNanos()) / 1_000_000))
                .put("computeMs", (end - computeStart) / 1_000_000)
                .put("batchSize", batchSize)
                .put("checkpoint", checkpoint);
    }
}
