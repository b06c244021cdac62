package dev.tessera.audio.mel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.resample.SincResampler;
import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavReader;

/**
 * The whole audio front end of spec 1 in one call: WAV bytes → mono → 22,050 Hz → log-mel. Bad input is
 * refused by {@link WavReader} before any tensor exists.
 */
public final class MelFrontEnd {

    /** Training clips are peak-normalised to this (as in the reference); inference input is left alone. */
    public static final float TRAINING_PEAK = 0.95f;

    private final WavReader reader;
    private final MelSpectrogram mel;

    public MelFrontEnd(WavReader reader, MelSpectrogram mel) {
        if (mel.config().sampleRate() != SincResampler.MODEL_RATE) {
            throw new IllegalArgumentException("the front end resamples to " + SincResampler.MODEL_RATE
                    + " Hz, the mel config expects " + mel.config().sampleRate() + " Hz");
        }
        this.reader = reader;
        this.mel = mel;
    }

    public MelFrontEnd() {
        this(new WavReader(), MelSpectrogram.hifiGan());
    }

    /** Decodes a WAV file and converts it to 22,050 Hz mono samples. */
    public float[] samples(byte[] wav) {
        WavAudio a = reader.read(wav);
        return SincResampler.toModelRate(a.samples(), a.sampleRate());
    }

    /** WAV bytes → (1, 80, frames) log-mel in {@code manager}. */
    public NDArray logMel(byte[] wav, NDManager manager) {
        float[] x = samples(wav);
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = mel.logMel(scope.create(x, new Shape(1, x.length)));
            out.attach(manager);
            return out;
        }
    }

    /** A copy scaled so that its largest |sample| is {@link #TRAINING_PEAK}; silence stays silence. */
    public static float[] peakNormalized(float[] x) {
        float peak = 0;
        for (float v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        float[] y = x.clone();
        if (peak > 0) {
            float g = TRAINING_PEAK / peak;
            for (int i = 0; i < y.length; i++) {
                y[i] *= g;
            }
        }
        return y;
    }
}
