package dev.tessera.audio.data;

/**
 * Harmonic test tones of known pitch (the "tests use generated harmonic tones"): the signals the
 * tests, fixtures and fuzz targets of every module vocode, analyse and train on, so their pitch is known
 * without a pitch tracker. Amplitude 0.3·Σ sin(h·φ)/h, so the peak stays below 0.6.
 */
public final class HarmonicTone {

    private HarmonicTone() {
    }

    /**
     * A steady tone: harmonics 1..4 of {@code f0} at amplitude 1/h, with 300-sample linear fades at both ends.
     *
     * @param f0 fundamental in Hz
     * @param samples length in samples
     * @param sampleRate in Hz
     */
    public static float[] steady(double f0, int samples, int sampleRate) {
        float[] x = new float[samples];
        for (int n = 0; n < samples; n++) {
            double env = Math.min(1, n / 300.0) * Math.min(1, (samples - n) / 300.0);
            double s = 0;
            for (int h = 1; h <= 4; h++) {
                s += Math.sin(2 * Math.PI * f0 * h * n / sampleRate) / h;
            }
            x[n] = (float) (0.3 * env * s);
        }
        return x;
    }

    /**
     * A sung tone: harmonics 1..6 of {@code f0} at amplitude 1/h, a 5 Hz vibrato of ±1 %, a 500-sample attack
     * and a 2,000-sample release.
     */
    public static float[] withVibrato(double f0, int samples, int sampleRate) {
        float[] x = new float[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++) {
            double f = f0 * (1 + 0.01 * Math.sin(2 * Math.PI * 5 * n / sampleRate));
            phase += 2 * Math.PI * f / sampleRate;
            double env = Math.min(1, n / 500.0) * Math.min(1, (samples - n) / 2000.0);
            double s = 0;
            for (int h = 1; h <= 6; h++) {
                s += Math.sin(h * phase) / h;
            }
            x[n] = (float) (0.3 * env * s);
        }
        return x;
    }
}
