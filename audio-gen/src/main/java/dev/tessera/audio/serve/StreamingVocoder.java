package dev.tessera.audio.serve;

import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.VocoderConfig;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
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
 * <p>Windows start on the period grid (spec 6.5: "branch windows start at multiples of 64p from sample 0"):
 * branch p folds the waveform into rows of p samples and its U-Net and mel condition work on groups of 64
 * rows, so a window computes what the whole utterance computes only when its first sample is a multiple of
 * 64p for every period. The left context is therefore extended back to the nearest multiple of
 * {@link #alignFrames()} frames (64 · lcm(periods) samples in whole frames: 105 frames for periods 1, 2, 3,
 * 5, 7 at hop 256). Without it a trained model's windows differ everywhere, not only at the seams: the
 * shipped 2-step Turbo student streamed at 4 dB SNR against its whole output, and at over 100 dB with
 * aligned windows (docs/distill.md).
 *
 * <p>What a listener hears: the first audio after one window (at most chunk + 2 × context frames; the first
 * window starts at frame 0) rather than the whole file. What it costs: each later window also computes its
 * extra left context, on average (alignFrames − 1) / 2 frames, so about (chunk + 2 × context +
 * (alignFrames − 1) / 2) / chunk times the compute of one pass over the whole utterance (3.6× with the
 * defaults and periods 1, 2, 3, 5, 7; 2× when alignFrames is 1). How close it is: with context shorter
 * than the receptive field (the spec estimates ±3.3k samples per network evaluation for the tiny model's
 * p = 7 branch, compounding over steps) chunked output differs from the whole utterance near the seams;
 * {@code StreamingVocoderTest} measures the difference.
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
    private final int alignFrames;

    public StreamingVocoder(MelVocoder vocoder, Windowing windowing) {
        this.vocoder = vocoder;
        this.windowing = windowing;
        this.alignFrames = alignFrames(vocoder.config());
    }

    public Windowing windowing() {
        return windowing;
    }

    /** Window starts are multiples of this many frames (see the class comment). */
    public int alignFrames() {
        return alignFrames;
    }

    /**
     * The smallest whole number of frames that is a multiple of 64p samples for every period p: the spacing of
     * the window starts at which each branch's fold and its 64-row groups line up with the whole utterance's.
     */
    static int alignFrames(VocoderConfig config) {
        long samples = 1;
        for (int p : config.periods()) {
            samples = lcm(samples, (long) VocoderConfig.ROWS_PER_MIDDLE_ROW * p);
        }
        return (int) (lcm(samples, config.hop()) / config.hop());
    }

    private static long lcm(long a, long b) {
        return a / BigInteger.valueOf(a).gcd(BigInteger.valueOf(b)).longValue() * b;
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
            int w0 = Math.max(0, a - windowing.contextFrames()) / alignFrames * alignFrames;   // on the period grid
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
