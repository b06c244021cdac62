package dev.tessera.distill.serve;

import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.serve.StreamingVocoder;
import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.audio.serve.VocoderVerticle;
import dev.tessera.audio.serve.WindowPreviews;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.Job;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.ParamsSchema;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.distill.turbo.TurboExport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hosts the PeriodWave-Turbo students on {@link Addresses#DISTILL_AUDIO_VOCODE} as model
 * {@value TurboExport#MODEL}; {@code VocoderVerticle} relays requests naming this model that arrive on
 * {@code tessera.audio.vocode}, so either address works. Request and reply are those of
 * {@link VocoderVerticle} (mel or PCM in, {@code pcm} out), with {@code model: vocoder-turbo} and
 * {@code steps} picking the student; steps without a student are {@code bad_input} naming the installed
 * ones. Requests with the same steps and a length in the same 64-frame bucket share a batch.
 *
 * <p>Streaming ({@code stream: true}) is the teacher's: the student vocodes window by window
 * ({@link StreamingVocoder}, Euler at τ = 1 as in a whole-utterance call) and each window goes out as a
 * progress preview ({@link WindowPreviews}); the reply carries the params and no blob. Streams run one job
 * at a time. Config ({@code models/vocoder-turbo/serving.json}): {@code streamChunkFrames} (32),
 * {@code streamContextFrames} (16), {@code streamCrossfade} (256), plus the batching keys of
 * {@link ModelVerticle}.
 */
public final class DistilledVocoderVerticle extends ModelVerticle<VocoderVerticle.Request> {

    private final Path modelDir;
    private volatile List<Integer> steps = List.of();
    private TurboStudents students;
    /** Each student's windowed vocoder, by steps. */
    private final Map<Integer, StreamingVocoder> streaming = new HashMap<>();

    /** @param modelDir {@code models/vocoder-turbo} */
    public DistilledVocoderVerticle(Path modelDir) {
        super(TurboExport.MODEL, Addresses.DISTILL_AUDIO_VOCODE);
        this.modelDir = modelDir;
    }

    @Override
    protected void load() throws Exception {
        students = TurboStudents.load(modelDir);
        students.selfTest();
        StreamingVocoder.Windowing windowing = StreamingVocoder.Windowing.fromConfig(config());
        for (int n : students.steps()) {
            streaming.put(n, new StreamingVocoder(students.student(n), windowing));
        }
        steps = students.steps();
    }

    @Override
    protected void unload() {
        if (students != null) {
            students.close();
        }
    }

    /**
     * The studio's form: a WAV to upload, the student (its step count, among those installed), the seed and
     * streaming. The sampler (Euler) and the temperature (1) are the students' own and not offered.
     */
    @Override
    protected JsonObject paramsSchema() {
        List<Integer> installed = steps;
        long most = installed.stream().mapToInt(Integer::intValue).max().orElse(1);
        long fewest = installed.stream().mapToInt(Integer::intValue).min().orElse(1);
        ParamsSchema schema = VocoderVerticle.wavInput(ParamsSchema.of(TurboExport.MODEL,
                        "PeriodWave-Turbo students of the vocoder: a " + VocodeLimits.SAMPLE_RATE
                                + " Hz WAV is re-analysed to mel and vocoded in " + installed + " Euler steps"))
                .integer("steps", "the student: one of " + installed + " Euler steps", fewest, most, most);
        return VocoderVerticle.seedStreamAndOutput(schema).toJson();
    }

    @Override
    protected VocoderVerticle.Request parse(TesseraPayload body) {
        JsonObject params = body.params().copy();
        params.put("model", params.getValue("model", TurboExport.MODEL));                 // the default here is the student
        VocoderVerticle.Request r = VocoderVerticle.parseRequest(TesseraPayload.of(params,
                body.blobs().toArray(new Blob[0])));
        VocodeSettings s = r.settings();
        if (!s.model().equals(TurboExport.MODEL)) {
            throw JobFailure.badInput("model", "this address serves model " + TurboExport.MODEL + ", got '" + s.model()
                    + "'; send the others to " + Addresses.AUDIO_VOCODE);
        }
        if (!steps.contains(s.steps())) {
            throw JobFailure.badInput("steps", TurboExport.MODEL + " has students for steps " + steps + "; got steps "
                    + s.steps());
        }
        return r;
    }

    @Override
    protected Object batchKey(VocoderVerticle.Request r) {
        if (r.settings().stream()) {
            return List.of("stream");                                     // one job at a time (forEachLive)
        }
        return List.of(r.settings().steps(), (r.frames() - 1) / VocoderVerticle.BUCKET_FRAMES);
    }

    @Override
    protected void runBatch(Batch<VocoderVerticle.Request> batch) {
        long start = System.nanoTime();
        List<Job<VocoderVerticle.Request>> jobs = batch.live();
        if (jobs.isEmpty()) {
            return;
        }
        if (jobs.get(0).request().settings().stream()) {
            batch.forEachLive(this::stream);
            return;
        }
        VocodeSettings settings = jobs.get(0).request().settings();   // one steps per batch (batchKey)
        List<MelVocoder.Item> items = new ArrayList<>();
        for (Job<VocoderVerticle.Request> job : jobs) {
            VocoderVerticle.Request r = job.request();
            items.add(new MelVocoder.Item(melOf(r), r.frames(), r.settings().seed(), 0));
        }
        List<float[]> audio = students.vocode(items, settings, (step, total) -> {
            for (Job<VocoderVerticle.Request> job : batch.live()) {
                job.context().progress(step, total);
            }
        });
        long end = System.nanoTime();
        for (Job<VocoderVerticle.Request> job : batch.live()) {
            float[] pcm = audio.get(jobs.indexOf(job));
            batch.complete(job, TesseraPayload.of(replyParams(job, start, end, jobs.size()),
                    Blob.ofFloats("pcm", pcm, pcm.length)));
        }
    }

    /** One streamed job: its student window by window, each window a preview, as the teacher streams. */
    private TesseraPayload stream(Job<VocoderVerticle.Request> job) {
        long start = System.nanoTime();
        VocoderVerticle.Request r = job.request();
        StreamingVocoder student = streaming.get(r.settings().steps());
        WindowPreviews previews = new WindowPreviews(job.context());
        previews.vocode(student, melOf(r), r.frames(), r.settings());
        return TesseraPayload.of(previews.putCounts(replyParams(job, start, System.nanoTime(), 1)));
    }

    /** The request's log-mel: as sent, or analysed from its PCM with the student's front end. */
    private float[] melOf(VocoderVerticle.Request r) {
        return r.mel() != null ? r.mel() : students.student(r.settings().steps()).analyse(r.pcm());
    }

    /** The reply's params, as the teacher's, naming the student that made the audio. */
    private static JsonObject replyParams(Job<VocoderVerticle.Request> job, long computeStart, long end,
                                          int batchSize) {
        return VocoderVerticle.replyParams(job, computeStart, end, batchSize,
                TurboExport.MODEL + "/steps-" + job.request().settings().steps());
    }
}
