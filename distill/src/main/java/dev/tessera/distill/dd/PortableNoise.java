package dev.tessera.distill.dd;

import java.util.SplittableRandom;

/**
 * The noise of a distilled-decoding pair (specs/image.md 5.2): standard normal numbers from
 * {@code SplittableRandom(seed)} by Box-Muller, so any JVM (or a port that reimplements SplitMix64)
 * regenerates a pair's noise from its stored seed and a pair file needs no noise.
 *
 * <p>Each pair of uniforms (u1, u2) gives {@code sqrt(-2 ln(1 - u1)) cos(2 pi u2)} and the same with sin,
 * in that order ({@code 1 - u1} is in (0, 1], so the log is finite).
 */
public final class PortableNoise {

    private PortableNoise() {
    }

    /** {@code n} normal numbers of {@code seed}. */
    public static double[] gaussian(long seed, int n) {
        double[] out = new double[n];
        fill(seed, out, 0, n);
        return out;
    }

    /** Writes the first {@code n} normal numbers of {@code seed} to {@code out[offset ..]}. */
    public static void fill(long seed, double[] out, int offset, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i += 2) {
            double radius = Math.sqrt(-2 * Math.log(1 - r.nextDouble()));
            double angle = 2 * Math.PI * r.nextDouble();
            out[offset + i] = radius * Math.cos(angle);
            if (i + 1 < n) {
                out[offset + i + 1] = radius * Math.sin(angle);
            }
        }
    }
}
