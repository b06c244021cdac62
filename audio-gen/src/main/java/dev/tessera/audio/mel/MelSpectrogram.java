package dev.tessera.audio.mel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.nn.Constants;
import dev.tessera.core.nn.Scalars;

/**
 * Log-mel spectrogram in the HiFi-GAN convention (audio spec 1.2), batched in libtorch and
 * differentiable (the vocoder's mel losses back-propagate through it):
 *
 * <ol>
 *   <li>reflect-pad (n_fft − hop)/2 = 384 samples per side (inputs of 384 samples or fewer are first
 *       zero-extended to 1024), frame without centring: T samples → ⌊T/256⌋ frames;</li>
 *   <li>periodic Hann, rfft 1024 → 513 bins, |X| = sqrt(re² + im² + 1e-9);</li>
 *   <li>80 Slaney filters over 0–8 kHz ({@link MelFilterbank}, built in double, stored as float32);</li>
 *   <li>ln(max(mel, 1e-5)).</li>
 * </ol>
 *
 * <p>The instance holds only Java arrays; constants are created per call in a scope of the input's manager,
 * and the result is attached to the input's manager.
 */
public final class MelSpectrogram {

    /** Inside the square root of the magnitude, as in HiFi-GAN; keeps the gradient finite at |X| = 0. */
    public static final double MAGNITUDE_EPS = 1e-9;

    private final MelConfig config;
    private final Stft stft;
    private final MelFilterbank filterbank;
    private final float[] weights;

    public MelSpectrogram(MelConfig config) {
        this.config = config;
        this.stft = config.stft();
        this.filterbank = new MelFilterbank(config);
        this.weights = filterbank.weightsAsFloat();
    }

    public static MelSpectrogram hifiGan() {
        return new MelSpectrogram(MelConfig.HIFIGAN_22K);
    }

    public MelConfig config() {
        return config;
    }

    public Stft stft() {
        return stft;
    }

    public MelFilterbank filterbank() {
        return filterbank;
    }

    /** Mel frames for {@code samples} samples of audio. */
    public int frames(long samples) {
        return stft.frames(samples);
    }

    /** (B, T) float32 audio → (B, nMels, frames) natural-log mel. */
    public NDArray logMel(NDArray audio) {
        NDManager owner = audio.getManager();
        try (NDManager scope = owner.newSubManager()) {
            audio.tempAttach(scope);
            NDArray magnitude = Stft.power(stft.forward(audio)).add(MAGNITUDE_EPS).sqrt(); // (B, bins, frames)
            NDArray w = Constants.copyOf(scope, weights, new Shape(config.nMels(), config.bins()));
            NDArray logMel = Scalars.atLeast(w.matMul(magnitude), config.logFloor()).log(); // (B, nMels, frames)
            logMel.attach(owner);
            return logMel;
        }
    }
}
