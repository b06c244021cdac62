package dev.tessera.audio.mel;

/**
 * Settings of a log-mel front end.
 *
 * @param sampleRate Hz
 * @param nFft FFT size, samples
 * @param hop samples between frames
 * @param winLength Hann window length, samples (centred in n_fft)
 * @param nMels mel filters
 * @param fMin lowest filter edge, Hz
 * @param fMax highest filter edge, Hz
 * @param padding framing, see {@link Stft.Padding}
 * @param logFloor mel values are clamped to at least this before the natural log
 */
public record MelConfig(int sampleRate, int nFft, int hop, int winLength, int nMels, double fMin, double fMax,
        Stft.Padding padding, double logFloor) {

    /** The HiFi-GAN convention of audio spec 1.2: 22,050 Hz, 1024/256/1024, 80 Slaney mels over 0–8 kHz. */
    public static final MelConfig HIFIGAN_22K =
            new MelConfig(22_050, 1024, 256, 1024, 80, 0, 8_000, Stft.Padding.HIFIGAN, 1e-5);

    public MelConfig {
        if (nMels < 1 || fMin < 0 || fMax <= fMin || fMax > sampleRate / 2.0 || !(logFloor > 0)) {
            throw new IllegalArgumentException("need nMels >= 1, 0 <= fMin < fMax <= Nyquist and logFloor > 0, got "
                    + nMels + " mels over " + fMin + ".." + fMax + " Hz at " + sampleRate + " Hz, floor " + logFloor);
        }
    }

    public int bins() {
        return nFft / 2 + 1;
    }

    public Stft stft() {
        return new Stft(nFft, hop, winLength, padding);
    }
}
