package dev.tessera.distill.dd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PointMixtureFlowTest {

    /** A random distribution over {@code size} codes: normalized exponentials (a flat Dirichlet draw). */
    private static double[] randomDistribution(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[size];
        double sum = 0;
        for (int j = 0; j < size; j++) {
            p[j] = -Math.log(1 - r.nextDouble());
            sum += p[j];
        }
        for (int j = 0; j < size; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static double totalVariation(int[] counts, int n, double[] p) {
        double tv = 0;
        for (int j = 0; j < p.length; j++) {
            tv += Math.abs(counts[j] / (double) n - p[j]);
        }
        return tv / 2;
    }

    /** The spec's check (5.1): a random 64-code distribution, 400k draws, 64 Euler steps, TV <= 0.01. */
    @Test
    void noiseFlowsToCodesWithTheDistributionsProbabilities() {
        int bits = 6;
        int n = 400_000;
        double[] p = randomDistribution(1 << bits, 11);
        PointMixtureFlow flow = new PointMixtureFlow(bits, PointMixtureFlow.DEFAULT_STEPS);
        double[] noise = PortableNoise.gaussian(12, n * bits);
        int[] counts = new int[1 << bits];
        for (int k = 0; k < n; k++) {
            counts[flow.map(p, noise, k * bits)]++;
        }
        double tv = totalVariation(counts, n, p);
        assertTrue(tv <= 0.01, "total variation " + tv);
    }

    /** Pre bits then post bits given the pre: the joint distribution p(a) p(b | a), as the joint flow. */
    @Test
    void chainedPreThenPostFlowsMatchTheJointDistribution() {
        int preBits = 3;
        int postBits = 3;
        int n = 400_000;
        double[] pre = randomDistribution(1 << preBits, 21);
        double[][] post = new double[1 << preBits][];
        double[] joint = new double[1 << (preBits + postBits)];
        for (int a = 0; a < pre.length; a++) {
            post[a] = randomDistribution(1 << postBits, 100 + a);
            for (int b = 0; b < post[a].length; b++) {
                joint[a + (b << preBits)] = pre[a] * post[a][b];   // index = pre + 2^preBits post
            }
        }
        PointMixtureFlow preFlow = new PointMixtureFlow(preBits, 64);
        PointMixtureFlow postFlow = new PointMixtureFlow(postBits, 64);
        int k = preBits + postBits;
        double[] noise = PortableNoise.gaussian(22, n * k);
        int[] counts = new int[joint.length];
        for (int i = 0; i < n; i++) {
            int a = preFlow.map(pre, noise, i * k);
            int b = postFlow.map(post[a], noise, i * k + preBits);
            counts[a + (b << preBits)]++;
        }
        double tv = totalVariation(counts, n, joint);
        assertTrue(tv <= 0.01, "total variation " + tv);
    }

    /** Filtered distributions (top-k zeros) never yield a code without mass, and still match. */
    @Test
    void codesWithoutMassAreNeverChosen() {
        int bits = 8;
        double[] p = new double[1 << bits];
        p[3] = 0.5;
        p[200] = 0.3;
        p[255] = 0.2;
        PointMixtureFlow flow = new PointMixtureFlow(bits, 64);
        int n = 5_000;
        double[] noise = PortableNoise.gaussian(5, n * bits);
        int[] counts = new int[p.length];
        for (int i = 0; i < n; i++) {
            counts[flow.map(p, noise, i * bits)]++;
        }
        assertEquals(n, counts[3] + counts[200] + counts[255]);
        assertTrue(totalVariation(counts, n, p) <= 0.03, "total variation " + totalVariation(counts, n, p));
    }

    @Test
    void theMapIsDeterministicAndTheNoiseIsPortable() {
        double[] a = PortableNoise.gaussian(42, 7);
        double[] b = PortableNoise.gaussian(42, 8);
        for (int i = 0; i < 7; i++) {
            assertEquals(a[i], b[i]);                                  // a prefix does not depend on the length
        }
        double[] big = PortableNoise.gaussian(1, 200_000);
        double mean = 0;
        double square = 0;
        for (double v : big) {
            mean += v / big.length;
            square += v * v / big.length;
        }
        assertEquals(0, mean, 0.01);
        assertEquals(1, square, 0.01);
        double[] p = randomDistribution(64, 3);
        PointMixtureFlow flow = new PointMixtureFlow(6, 64);
        assertEquals(flow.map(p, big, 60), flow.map(p, big, 60));
    }
}
