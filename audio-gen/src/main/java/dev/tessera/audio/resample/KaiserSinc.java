package dev.tessera.audio.resample;

/**
 * Kaiser-windowed sinc low-pass filters, designed in double precision. Used by {@link SincResampler}
 * (taps at fractional offsets) and by the CQT front end (fixed zero-phase taps for decimation and
 * 2× up-sampling).
 */
public final class KaiserSinc {

    private KaiserSinc() {
    }

    /** The Kaiser window at u ∈ [-1, 1] (0 outside), peak 1. */
    public static double window(double u, double beta) {
        return Math.abs(u) > 1 ? 0 : besselI0(beta * Math.sqrt(1 - u * u)) / besselI0(beta);
    }

    /**
     * Zero-phase low-pass taps of odd length 2·halfLength + 1, normalised to a DC gain of {@code gain}.
     *
     * @param cutoff -6 dB point in cycles per sample (0.25 = a quarter of the rate)
     */
    public static double[] lowPass(int halfLength, double cutoff, double beta, double gain) {
        double[] h = new double[2 * halfLength + 1];
        double sum = 0;
        for (int n = -halfLength; n <= halfLength; n++) {
            double v = 2 * cutoff * sinc(2 * cutoff * n) * window(n / (double) halfLength, beta);
            h[n + halfLength] = v;
            sum += v;
        }
        for (int i = 0; i < h.length; i++) {
            h[i] *= gain / sum;
        }
        return h;
    }

    /** |H(f)| of zero-phase taps (centre in the middle) at f cycles per sample. */
    public static double response(double[] h, double f) {
        int half = h.length / 2;
        double re = 0;
        for (int n = -half; n <= half; n++) {
            re += h[n + half] * Math.cos(2 * Math.PI * f * n);
        }
        return Math.abs(re);
    }

    public static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** Modified Bessel function of the first kind, order 0, by its power series (converges for all x). */
    public static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int i = 1; i < 500; i++) {
            term *= q / ((double) i * i);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }
}
