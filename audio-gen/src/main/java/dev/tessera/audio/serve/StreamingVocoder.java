package dev.tessera.audio.serve;

import dev.tessera.audio.vocoder.FlowSampler;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Streaming synthesis (audio spec 6.5): the mel is cut into chunks of {@code chunkFrames} frames, each
 * vocoded with {@code contextFrames} frames of context on either side, and only the chunk's own samples
 * are kept; neighbouring chunks overlap by {@code crossfade} samples around their boundary and are
 * joined with a raised-cosine crossfade. Noise is keyed by absolute sample index ({@link MelVocoder.Item}),
 * so a window draws the same noise as the whole utterance.
 *
 * <p>What a listener hears: the first audio after one window (at most chunk + 2 × context frames) rather
 * than the whole file. What it costs: about (chunk + 2 × context) / chunk times the compute of one pass
 * over the whole utterance (2× with the defaults). How close it is: with context shorter than the
 * receptive field (the spec estimates ±3.3k samples per network evaluation for the tiny model's
 * p = 7 branch, compounding over steps) chunked output differs from the whole utterance near the seams; {@code StreamingVocoderTest}
 * measures the difference.
 *
 * <p>Samples of chunk k, for chunk boundaries B_k = k · chunkFrames · hop and h = crossfade / 2, go out as
 * [B_k − h, B_{k+1} − h) (the first from 0, the last to the end), so the emitted pieces tile the output
 * exactly: frames × hop samples in all.
 */
public final class StreamingVocoder {

    /**
     * How the mel is cut.
     *
     * @param chunkFrames frames each window contributes (C, default 32)
     * @param contextFrames frames of context on each side (L, default 16)
     * @param crossfade samples over which neighbouring chunks are crossfaded (default 256); even, at most one
     *     hop, and needs at least one frame of context
     */
    public record Windowing(int chunkFrames, int contextFrames, int crossfade) {

        public static final Windowing DEFAULT = new Windowing(32, 16, 256);

        public Windowing {
            if (chunkFrames < 1 || contextFrames < 0 || crossfade < 0 || crossfade % 2 != 0
                    || crossfade > VocodeLimits.HOP || (crossfade > 0 && contextFrames < 1)) {
                throw new IllegalArgumentException("need chunkFrames >= 1, contextFrames >= 0, an even crossfade in 0.."
                        + VocodeLimits.HOP + " and context >= 1 frame when crossfading; got " + chunkFrames + ", "
                        + contextFrames + ", " + crossfade);
            }
        }

        /**
         * The windows a model's serving config asks for: {@code streamChunkFrames}, {@code streamContextFrames}
         * and {@code streamCrossfade}, each defaulting to {@link #DEFAULT}'s.
         */
        public static Windowing fromConfig(JsonObject config) {
            return new Windowing(config.getInteger("streamChunkFrames", DEFAULT.chunkFrames()),
                    config.getInteger("streamContextFrames", DEFAULT.contextFrames()),
                    config.getInteger("streamCrossfade", DEFAULT.crossfade()));
        }

        /** Chunks a mel of {@code frames} frames is cut into. */
        public int chunks(int frames) {
            return (frames + chunkFrames - 1) / chunkFrames;
        }
    }

    /** Receives each chunk's finished samples, in order. */
    @FunctionalInterface
    public interface ChunkSink {

        /**
         * @param chunk 0-based chunk index
         * @param chunks chunks in all
         * @param samples the next samples of the output, contiguous with the previous chunk's
         */
        void accept(int chunk, int chunks, float[] samples);
    }

    private final MelVocoder vocoder;
    private final Windowing windowing;

    public StreamingVocoder(MelVocoder vocoder, Windowing windowing) {
        this.vocoder = vocoder;
        this.windowing = windowing;
    }

    public Windowing windowing() {
        return windowing;
    }

    /**
     * Vocodes a (nMels, frames) row-major log-mel chunk by chunk; each window is
     * {@link MelVocoder#vocode(List, FlowSampler, int, double, StepListener)} with the same solver, steps and
     * temperature as a whole-utterance call.
     *
     * @param temperature tau, the scale of the starting noise: {@link VocodeSettings#TEMPERATURE} for the
     *     teacher, 1 for the Turbo students ({@link VocodeSettings#temperature()})
     * @param stepListeners the step listener of chunk k's integration
     * @param sink receives each chunk's samples as soon as they are final
     */
    public void vocode(float[] logMel, int frames, FlowSampler sampler, int steps, double temperature, long seed,
                       IntFunction<StepListener> stepListeners, ChunkSink sink) {
        int hop = vocoder.hop();
        int nMels = vocoder.nMels();
        int h = windowing.crossfade() / 2;
        int chunks = windowing.chunks(frames);
        int total = frames * hop;
        float[] fadeIn = new float[2 * h];                       // raised cosine; fadeOut = 1 - fadeIn
        for (int i = 0; i < fadeIn.length; i++) {
            fadeIn[i] = (float) (0.5 - 0.5 * Math.cos(Math.PI * (i + 0.5) / fadeIn.length));
        }
        float[] pending = null;                                  // the previous chunk's last 2h samples
        for (int k = 0; k < chunks; k++) {
            int a = k * windowing.chunkFrames();
            int b = Math.min(frames, a + windowing.chunkFrames());
            int w0 = Math.max(0, a - windowing.contextFrames());
            int w1 = Math.min(frames, b + windowing.contextFrames());
            float[] window = new float[nMels * (w1 - w0)];      // (nMels, w1 - w0)
            for (int bin = 0; bin < nMels; bin++) {
                System.arraycopy(logMel, bin * frames + w0, window, bin * (w1 - w0), w1 - w0);
            }
            float[] audio = vocoder.vocode(List.of(new MelVocoder.Item(window, w1 - w0, seed, (long) w0 * hop)),
                    sampler, steps, temperature, stepListeners.apply(k)).get(0);
            boolean first = k == 0;
            boolean last = k == chunks - 1;
            int keepFrom = first ? 0 : a * hop - h;               // absolute sample indices
            int keepTo = last ? total : b * hop + h;
            float[] kept = Arrays.copyOfRange(audio, keepFrom - w0 * hop, keepTo - w0 * hop);
            float[] out = Arrays.copyOf(kept, last ? kept.length : kept.length - 2 * h);
            if (!first) {
                for (int i = 0; i < 2 * h; i++) {
                    out[i] = pending[i] * (1 - fadeIn[i]) + kept[i] * fadeIn[i];
                }
            }
            if (!last) {
                pending = Arrays.copyOfRange(kept, kept.length - 2 * h, kept.length);
            }
            sink.accept(k, chunks, out);
        }
    }
}
