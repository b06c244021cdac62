package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import dev.tessera.audio.mel.MelConfig;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.mel.Stft;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.StepLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PeriodWave-Turbo's multi-scale mel loss (audio spec 4): for each scale s, a Hann window of w_s samples,
 * hop w_s/4, centred (reflect padding w_s/2), m_s Slaney mel filters from 0 Hz up to Nyquist, then
 * L_mel = Σ_s mean|log10(max(mel_s(x), 1e-5)) − log10(max(mel_s(x̂), 1e-5))|.
 *
 * <p>{@link #turbo()} has the seven scales w = 32, 64, …, 2048 with 5, 10, …, 320 mel bins (none empty at
 * 22,050 Hz). The only ablation in the Turbo paper that stayed stable without a GAN used this loss. Its
 * weight (45 in Turbo) is applied by the caller. Gradients reach x̂ (and x, which is usually a constant).
 */
public final class MultiScaleMelLoss {

    private static final float LN10 = (float) Math.log(10);

    private final int[] windows;
    private final int[] mels;
    private final List<MelSpectrogram> scales = new ArrayList<>();

    /**
     * @param sampleRate Hz; filters reach up to sampleRate/2
     * @param windows n_fft = window length per scale, samples (even, hop = window/4)
     * @param mels mel bins per scale
     */
    public MultiScaleMelLoss(int sampleRate, int[] windows, int[] mels) {
        if (windows.length == 0 || windows.length != mels.length) {
            throw new IllegalArgumentException("need one mel count per window, got windows " + Arrays.toString(windows)
                    + " mels " + Arrays.toString(mels));
        }
        this.windows = windows.clone();
        this.mels = mels.clone();
        for (int s = 0; s < windows.length; s++) {
            if (windows[s] < 4 || windows[s] % 4 != 0) {
                throw new IllegalArgumentException("mel-loss windows must be multiples of 4 samples, got " + windows[s]);
            }
            scales.add(new MelSpectrogram(new MelConfig(sampleRate, windows[s], windows[s] / 4, windows[s], mels[s], 0,
                    sampleRate / 2.0, Stft.Padding.CENTER, 1e-5)));
        }
    }

    /** The seven scales of audio spec 4 at 22,050 Hz: windows 32…2048, 5…320 mel bins. */
    public static MultiScaleMelLoss turbo() {
        return new MultiScaleMelLoss(Discriminator.SAMPLE_RATE, new int[] {32, 64, 128, 256, 512, 1024, 2048},
                new int[] {5, 10, 20, 40, 80, 160, 320});
    }

    /** The settings of each scale, in order. */
    public List<MelConfig> scales() {
        return scales.stream().map(MelSpectrogram::config).toList();
    }

    /**
     * L_mel between (B, T) real and generated audio, with terms {@code mel.w<window>} (the L1 of one scale).
     */
    public StepLoss loss(NDArray real, NDArray fake) {
        if (!real.getShape().equals(fake.getShape()) || real.getShape().dimension() != 2) {
            throw new IllegalArgumentException("expected real and generated (B, T) audio of one shape, got "
                    + real.getShape() + " and " + fake.getShape());
        }
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        for (int s = 0; s < scales.size(); s++) {
            MelSpectrogram mel = scales.get(s);
            // ln → log10; the floor max(mel, 1e-5) is applied inside logMel.
            NDArray l1 = Scalars.over(mel.logMel(real).sub(mel.logMel(fake)).abs().mean(), LN10);
            terms.put("mel.w" + windows[s], l1);
            total = total == null ? l1 : total.add(l1);
        }
        return new StepLoss(total, terms);
    }
}
