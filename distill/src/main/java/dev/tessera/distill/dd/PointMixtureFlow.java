package dev.tessera.distill.dd;

/**
 * The flow from Gaussian noise to a distribution over the codes of {@code {-1,+1}^d} (specs/image.md 5.1),
 * integrated with Euler steps: a deterministic map from noise to a code whose image of N(0, I) is the
 * distribution.
 *
 * <p>Along {@code x_s = (1 - s) x0 + s x1}, with {@code x1} one of the point masses {@code c_j} of mass
 * {@code p_j}, the marginal velocity is {@code v(x, s) = (E[x1 | x_s = x] - x) / (1 - s)}, the posterior mean
 * {@code sum_j w_j c_j} with {@code w_j ~ p_j exp(s <x, c_j> / (1 - s)^2)} (|c_j|^2 = d for every code, so
 * the Gaussian's other terms cancel). {@code steps} uniform Euler steps from s = 0; the last one lands on the
 * posterior mean, and the code is the one of largest weight at that step.
 *
 * <p>Code j has bit i set when coordinate i is +1 (LFQ's index convention: channel 0 is the least
 * significant bit), so the chained pre/post flows of a factorized token read the pre bits from noise channels
 * {@code 0 .. preBits-1} and the post bits from the rest.
 *
 * <p>Cost: the weights factor over bits, {@code exp(s/(1-s)^2 <x, c_j>) = prod_i exp(+-s/(1-s)^2 x_i)}, so
 * one step takes d exponentials and a doubling pass over the 2^d codes (not 2^d exponentials); each factor
 * is taken relative to the code that matches the signs of x, so every factor is in (0, 1] and nothing
 * overflows. When every weight underflows (the sign-matching region has no mass, far into the flow) the step
 * is redone in log space.
 *
 * <p>Not thread-safe: one flow per thread (it reuses buffers of 2^d doubles).
 */
public final class PointMixtureFlow {

    /** The spec's default Euler step count (total variation 0.006 in its numerical check; 32 gave 0.011). */
    public static final int DEFAULT_STEPS = 64;

    private final int bits;
    private final int size;
    private final int steps;
    private final double[] w;
    private final double[] x;

    /**
     * @param bits d, the code's dimension (1..16)
     * @param steps Euler steps (at least 1)
     */
    public PointMixtureFlow(int bits, int steps) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("a point-mixture flow takes 1..16 bits, got " + bits);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("the flow needs at least one Euler step, got " + steps);
        }
        this.bits = bits;
        this.size = 1 << bits;
        this.steps = steps;
        this.w = new double[size];
        this.x = new double[bits];
    }

    public int bits() {
        return bits;
    }

    public int steps() {
        return steps;
    }

    /**
     * The code that noise {@code noise[offset .. offset + bits)} flows to under distribution {@code p}.
     *
     * @param p probabilities of the 2^d codes (zeros allowed), summing to 1
     * @return the code index in {@code [0, 2^d)}
     */
    public int map(double[] p, double[] noise, int offset) {
        if (p.length != size) {
            throw new IllegalArgumentException("expected " + size + " probabilities, got " + p.length);
        }
        System.arraycopy(noise, offset, x, 0, bits);
        int best = 0;
        double h = 1.0 / steps;
        for (int n = 0; n < steps; n++) {
            double s = n * h;
            double f = s / ((1 - s) * (1 - s));                       // weight of <x, c> in the log-weights
            double z = weights(p, f);
            if (!(z > 1e-280)) {
                z = logWeights(p, f);
            }
            best = argmax(w);
            double step = h / (1 - s);                                 // Euler: x += h (m - x) / (1 - s)
            for (int i = 0; i < bits; i++) {
                int bit = 1 << i;
                double plus = 0;                                       // mass of codes with c_i = +1
                for (int block = 0; block < size; block += 2 * bit) {
                    for (int j = block + bit; j < block + 2 * bit; j++) {
                        plus += w[j];
                    }
                }
                double mean = (2 * plus - z) / z;                      // E[c_i] = P(+1) - P(-1)
                x[i] += step * (mean - x[i]);
            }
        }
        return best;
    }

    /** w_j = p_j prod_i (c_ji == sign(x_i) ? 1 : exp(-2 f |x_i|)); returns their sum. */
    private double weights(double[] p, double f) {
        w[0] = 1;
        int filled = 1;
        for (int i = 0; i < bits; i++) {
            double g = Math.exp(-2 * f * Math.abs(x[i]));
            double clear = x[i] > 0 ? g : 1;                           // bit clear: c_i = -1
            double set = x[i] > 0 ? 1 : g;
            for (int j = 0; j < filled; j++) {
                double v = w[j];
                w[j] = v * clear;
                w[j + filled] = v * set;
            }
            filled <<= 1;
        }
        double z = 0;
        for (int j = 0; j < size; j++) {
            w[j] *= p[j];
            z += w[j];
        }
        return z;
    }

    /** The same weights computed as log p_j + f <x, c_j>, shifted by their maximum; returns their sum. */
    private double logWeights(double[] p, double f) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < size; j++) {
            double dot = 0;
            for (int i = 0; i < bits; i++) {
                dot += ((j >> i) & 1) != 0 ? x[i] : -x[i];
            }
            w[j] = p[j] > 0 ? Math.log(p[j]) + f * dot : Double.NEGATIVE_INFINITY;
            max = Math.max(max, w[j]);
        }
        double z = 0;
        for (int j = 0; j < size; j++) {
            w[j] = w[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(w[j] - max);
            z += w[j];
        }
        return z;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }
}
