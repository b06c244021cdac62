package dev.tessera.image.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one sub-token from its logits on the host (specs/image.md 3): the model's 64, 256 or 2^K logits of
 * a row are copied to a Java array and processed in the spec's order, CFG mix, divide by T, top-k, top-p,
 * softmax, draw, with the image's own {@link SplittableRandom}, so that a seed gives the same image in any
 * micro-batch.
 *
 * <p>Not thread-safe: it reuses two buffers of {@code size} doubles between calls (one sampler per run).
 */
public final class SubTokenSampler {

    private final int size;
    private final double[] logits;
    private final double[] scratch;

    /** A sampler for sub-tokens of {@code size} values. */
    public SubTokenSampler(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a sub-token needs at least one value, got " + size);
        }
        this.size = size;
        this.logits = new double[size];
        this.scratch = new double[size];
    }

    public int size() {
        return size;
    }

    /**
     * Draws a value.
     *
     * @param cond logits of the conditional row, at {@code cond[condOffset .. condOffset + size)}
     * @param uncond logits of the unconditional (null-class) row, or null when this draw is not guided
     * @param s the sub-token's settings; {@code s.cfgScale()} is used only when {@code uncond} is given
     * @param random the image's generator; exactly one {@code nextDouble()} is taken per draw
     * @return the value, in {@code [0, size)}
     */
    public int sample(float[] cond, int condOffset, float[] uncond, int uncondOffset, SubTokenSampling s,
                      SplittableRandom random) {
        double[] p = probabilities(cond, condOffset, uncond, uncondOffset, s);
        return draw(p, random.nextDouble());
    }

    /**
     * The distribution a draw comes from, after guidance, temperature and both filters: {@code size}
     * probabilities summing to 1 (filtered-out values exactly 0). The array is this sampler's buffer, valid
     * until the next call.
     */
    public double[] probabilities(float[] cond, int condOffset, float[] uncond, int uncondOffset,
                                  SubTokenSampling s) {
        double invT = 1.0 / s.temperature();
        if (uncond == null) {
            for (int i = 0; i < size; i++) {
                logits[i] = cond[condOffset + i] * invT;
            }
        } else {
            double scale = s.cfgScale();
            for (int i = 0; i < size; i++) {
                double lu = uncond[uncondOffset + i];
                logits[i] = (lu + scale * (cond[condOffset + i] - lu)) * invT;   // l_u + s (l_c - l_u), then / T
            }
        }
        if (s.topK() > 0 && s.topK() < size) {
            keepLargest(logits, s.topK(), scratch, Double.NEGATIVE_INFINITY);
        }
        softmaxInPlace(logits);
        if (s.topP() < 1) {
            keepLargest(logits, nucleusSize(logits, s.topP(), scratch), scratch, 0);   // probabilities: cut to 0
            normalizeInPlace(logits);
        }
        return logits;
    }

    /**
     * Top-k: sets every logit but the {@code k} largest to {@code -inf}, in place. Ties at the k-th value
     * keep the lower indices, so exactly {@code min(k, n)} values stay.
     */
    public static void keepTopK(double[] logits, int k) {
        SubTokenSampling.requireTopK(k);
        if (k > 0 && k < logits.length) {
            keepLargest(logits, k, new double[logits.length], Double.NEGATIVE_INFINITY);
        }
    }

    /**
     * Top-p (nucleus) on logits: keeps the smallest set of most probable values whose probability reaches
     * {@code p}, the rest set to {@code -inf}, in place. Ties keep the lower indices.
     */
    public static void keepTopP(double[] logits, double p) {
        SubTokenSampling.requireTopP(p);
        if (p >= 1) {
            return;
        }
        double[] probs = logits.clone();
        softmaxInPlace(probs);
        double[] scratch = new double[logits.length];
        int n = nucleusSize(probs, p, scratch);
        keepLargest(logits, n, scratch, Double.NEGATIVE_INFINITY);
    }

    /** Draws index i with probability {@code p[i]} given a uniform {@code u} in [0, 1). */
    static int draw(double[] p, double u) {
        double c = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                c += p[i];
                last = i;
                if (u < c) {
                    return i;
                }
            }
        }
        return last; // u fell past the rounded total: the last value with mass
    }

    /**
     * How many of the most probable values a nucleus of mass {@code p} holds: the count n such that the n
     * largest probabilities reach p while the n - 1 largest do not (the first value is always kept).
     */
    private static int nucleusSize(double[] probs, double p, double[] scratch) {
        int n = probs.length;
        System.arraycopy(probs, 0, scratch, 0, n);
        Arrays.sort(scratch, 0, n);
        double mass = 0;
        for (int kept = 1; kept <= n; kept++) {
            mass += scratch[n - kept];
            if (mass >= p) {
                return kept;
            }
        }
        return n;
    }

    /** Keeps the {@code keep} largest entries (ties to lower indices), setting the rest to {@code removed}. */
    private static void keepLargest(double[] values, int keep, double[] scratch, double removed) {
        int n = values.length;
        if (keep >= n) {
            return;
        }
        System.arraycopy(values, 0, scratch, 0, n);
        Arrays.sort(scratch, 0, n);
        double threshold = scratch[n - keep];   // the keep-th largest value
        int above = 0;
        for (double v : values) {
            if (v > threshold) {
                above++;
            }
        }
        int tiesLeft = keep - above;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (v > threshold) {
                continue;
            }
            if (v == threshold && tiesLeft > 0) {
                tiesLeft--;
                continue;
            }
            values[i] = removed;
        }
    }

    static void softmaxInPlace(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double e = x[i] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    private static void normalizeInPlace(double[] p) {
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
    }
}
