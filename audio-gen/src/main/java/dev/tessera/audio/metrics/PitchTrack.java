package dev.tessera.audio.metrics;

/**
 * Per-frame pitch analysis of one signal; frame t is padded[256t, 256t + 1024) under the mel padding, so
 * frames line up with mel frames.
 *
 * @param f0Hz TarsosDSP YIN's estimate, Hz, or −1 where it found no pitch
 * @param pitched YIN's {@code isPitched()}
 * @param probability YIN's {@code getProbability()}: 1 − d′ at its lag, 0 when unpitched
 * @param rms root-mean-square of the 1024-sample frame
 * @param periodicity π = clamp(1 − min over lags 40..441 of d′, 0, 1), d′ in double precision
 */
public record PitchTrack(float[] f0Hz, boolean[] pitched, float[] probability, double[] rms, double[] periodicity) {

    public int frames() {
        return f0Hz.length;
    }

    /** The loudest frame's RMS. */
    public double maxRms() {
        double m = 0;
        for (double r : rms) {
            m = Math.max(m, r);
        }
        return m;
    }
}
