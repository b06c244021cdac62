package dev.tessera.audio.serve;

import dev.tessera.core.bus.JobContext;
import dev.tessera.core.bus.TesseraPayload.Blob;
import io.vertx.core.json.JsonObject;

/**
 * The job's side of the vocoders' streaming protocol ({@code stream: true}), shared by {@link VocoderVerticle}
 * (the teacher) and the distill module's verticle for the Turbo students, so the two stream alike:
 *
 * <ul>
 *   <li>each window's ODE steps but the last are progress events without a preview (stage
 *       {@value VocoderVerticle#STREAM_STAGE}, stage index = window index, stage count = windows);</li>
 *   <li>a finished window's samples go out as the preview blob {@code pcm} (float32, mono) of the progress event
 *       that ends the window (step 1 of 1), in order, contiguous with the previous window's;</li>
 *   <li>the reply carries no blob; {@link #putCounts} adds {@code windows} and {@code samples} to its params,
 *       so a front end can check that it forwarded every sample.</li>
 * </ul>
 *
 * A cancel or the deadline stops the job between steps and between windows.
 */
public final class WindowPreviews implements StreamingVocoder.ChunkSink {

    private final JobContext context;
    private int windows;
    private int samples;

    public WindowPreviews(JobContext context) {
        this.context = context;
    }

    /**
     * Vocodes a (nMels, frames) row-major log-mel window by window with the request's solver, steps,
     * temperature ({@link VocodeSettings#temperature()}: the teacher's 0.667, the students' 1) and seed, sending
     * each window as it is finished.
     */
    public void vocode(StreamingVocoder streaming, float[] logMel, int frames, VocodeSettings settings) {
        int chunks = streaming.windowing().chunks(frames);
        streaming.vocode(logMel, frames, settings.flowSampler(), settings.steps(), settings.temperature(),
                settings.seed(), chunk -> (step, steps) -> {
                    context.checkCancelled();
                    if (step < steps) {                               // accept reports the window's last step
                        context.progress(VocoderVerticle.STREAM_STAGE, chunk, chunks, step, steps, null);
                    }
                }, this);
    }

    /** Sends the next window's samples; a model that makes the audio in one piece sends it as window 0 of 1. */
    @Override
    public void accept(int chunk, int chunks, float[] pcm) {
        context.checkCancelled();
        context.progress(VocoderVerticle.STREAM_STAGE, chunk, chunks, 1, 1, Blob.ofFloats("pcm", pcm, pcm.length));
        samples += pcm.length;
        windows = chunks;
    }

    /** {@code params} with the windows and samples sent so far ({@code windows}, {@code samples}). */
    public JsonObject putCounts(JsonObject params) {
        return params.put("windows", windows).put("samples", samples);
    }
}
