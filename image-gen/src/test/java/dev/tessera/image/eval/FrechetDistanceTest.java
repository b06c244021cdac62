package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    private static double[][] randomFeatures(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] mix = new double[d][d];
        for (double[] row : mix) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian() / Math.sqrt(d);
            }
        }
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) {
                z[j] = r.nextGaussian();
            }
            for (int a = 0; a < d; a++) {
                double s = 0.3 * a;
                for (int b = 0; b < d; b++) {
                    s += mix[a][b] * z[b];
                }
                out[i][a] = s;
            }
        }
        return out;
    }

    @Test
    void distanceOfASetToItselfIsZero() {
        GaussianStatistics s = GaussianStatistics.of(randomFeatures(300, 64, 1));
        double scale = FrechetDistance.trace(s.covariance());
        double fd = FrechetDistance.distance(s, s);
        assertEquals(0.0, fd, 1e-9 * scale, "FD(X, X) = " + fd + " at trace " + scale);
    }

    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        // FD of N(mu1, diag s1) and N(mu2, diag s2) = |mu1 - mu2|^2 + sum (sqrt s1 - sqrt s2)^2.
        SplittableRandom r = new SplittableRandom(2);
        int d = 64;
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        double[][] s1 = new double[d][d];
        double[][] s2 = new double[d][d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            mu1[i] = r.nextGaussian();
            mu2[i] = r.nextGaussian();
            s1[i][i] = Math.exp(2 * r.nextGaussian()); // variances over about four decades
            s2[i][i] = Math.exp(2 * r.nextGaussian());
            double dm = mu1[i] - mu2[i];
            double ds = Math.sqrt(s1[i][i]) - Math.sqrt(s2[i][i]);
            expected += dm * dm + ds * ds;
        }
        assertEquals(expected, FrechetDistance.distance(mu1, s1, mu2, s2), 1e-9 * expected);
    }

    @Test
    void nonCommutingTwoByTwoCovariancesMatchTheClosedForm() {
        // For 2x2 SPD M: Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)); with M similar to S1 S2,
        // FD = |dmu|^2 + Tr S1 + Tr S2 - 2 sqrt(Tr(S1 S2) + 2 sqrt(det S1 det S2)).
        double[][] s1 = {{2.0, 0.5}, {0.5, 1.0}};
        double[][] s2 = {{1.0, -0.3}, {-0.3, 0.5}};
        double[] mu1 = {1.0, -2.0};
        double[] mu2 = {0.5, 0.0};
        double trS1S2 = 2.0 * 1.0 + 0.5 * -0.3 + 0.5 * -0.3 + 1.0 * 0.5; // 2.2
        double det1 = 2.0 - 0.25;
        double det2 = 0.5 - 0.09;
        double expected = 0.25 + 4.0 + 3.0 + 1.5 - 2 * Math.sqrt(trS1S2 + 2 * Math.sqrt(det1 * det2));
        assertEquals(4.803301412770546, expected, 1e-12);
        assertEquals(expected, FrechetDistance.distance(mu1, s1, mu2, s2), 1e-10);
    }

    @Test
    void newtonSchulzRootSquaresBackOnAnIllConditionedMatrix() {
        GaussianStatistics s = GaussianStatistics.of(randomFeatures(100, 64, 3));
        double[][] a = s.covariance();
        for (int i = 0; i < 64; i++) {
            a[i][i] += 1e-6; // eigenvalues over about six decades
        }
        double[][] root = FrechetDistance.sqrtPsd(a);
        double[][] square = FrechetDistance.multiply(root, root);
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                worst = Math.max(worst, Math.abs(square[i][j] - a[i][j]));
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        assertTrue(worst < 1e-9 * scale, "max |R R - A| = " + worst + " at max |A| = " + scale);
    }

    @Test
    void covarianceIsTheUnbiasedEstimate() {
        GaussianStatistics s = GaussianStatistics.of(new double[][] {{1, 2}, {3, 6}, {5, 4}});
        assertEquals(3.0, s.mean()[0], 0);
        assertEquals(4.0, s.mean()[1], 0);
        assertEquals(4.0, s.covariance()[0][0], 1e-15); // (4 + 0 + 4) / 2
        assertEquals(4.0, s.covariance()[1][1], 1e-15); // (4 + 4 + 0) / 2
        assertEquals(2.0, s.covariance()[0][1], 1e-15); // (4 + 0 + 0) / 2
        assertEquals(s.covariance()[0][1], s.covariance()[1][0], 0);
    }
}
