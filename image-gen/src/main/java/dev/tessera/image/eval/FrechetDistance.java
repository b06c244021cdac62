package dev.tessera.image.eval;

/**
 * The Fréchet distance between two Gaussians (specs/image.md 4), in float64:
 * <pre>
 *   FD = |mu_r - mu_g|^2 + Tr(S_r) + Tr(S_g) - 2 Tr (S_r^(1/2) S_g S_r^(1/2))^(1/2)
 * </pre>
 * The last trace equals {@code Tr (S_r S_g)^(1/2)}: the two matrices are similar. Square roots of the
 * symmetric positive semi-definite matrices are taken by the coupled Newton-Schulz iteration (matrix
 * products only, no eigen-decomposition), after adding a small ridge {@code eps I} with
 * {@code eps = RIDGE x Tr(A) / d} that keeps the iteration away from exactly singular matrices. The
 * ridge biases the trace term by at most about {@code d sqrt(eps)} per root; with {@code RIDGE = 1e-12}
 * that is below 1e-5 of the covariances' scale.
 */
public final class FrechetDistance {

    /** Ridge relative to the mean eigenvalue, {@code Tr(A) / d}. */
    public static final double RIDGE = 1e-12;
    /** Newton-Schulz iterations at most; small eigenvalues grow by 1.5x per iteration, so 1e-12 needs about 35. */
    public static final int MAX_ITERATIONS = 200;
    /** Stop when an iteration changes the root by less than this, relative (Frobenius norms). */
    public static final double TOLERANCE = 1e-13;

    private FrechetDistance() {
    }

    /** FD between the statistics of real ({@code r}) and generated ({@code g}) features. */
    public static double distance(GaussianStatistics r, GaussianStatistics g) {
        return distance(r.mean(), r.covariance(), g.mean(), g.covariance());
    }

    /** FD between {@code N(mu1, s1)} and {@code N(mu2, s2)}. */
    public static double distance(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
        int d = mu1.length;
        if (mu2.length != d || s1.length != d || s2.length != d) {
            throw new IllegalArgumentException("both Gaussians need dimension " + d + ", got means " + mu1.length + ", "
                    + mu2.length + " and covariances " + s1.length + ", " + s2.length);
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = mu1[i] - mu2[i];
            meanTerm += diff * diff;
        }
        double[][] root1 = sqrtPsd(s1);
        double[][] middle = symmetrize(multiply(multiply(root1, s2), root1)); // S1^(1/2) S2 S1^(1/2)
        double cross = trace(sqrtPsd(middle));
        return meanTerm + trace(s1) + trace(s2) - 2 * cross;
    }

    /**
     * The square root of a symmetric positive semi-definite matrix by the coupled Newton-Schulz iteration
     * (Higham, "Functions of Matrices", 6.3): with {@code Y_0 = A / c}, {@code Z_0 = I},
     * {@code T = (3 I - Z Y) / 2}, {@code Y <- Y T}, {@code Z <- T Z}; Y tends to {@code (A / c)^(1/2)} for
     * {@code c = |A|_F} (every eigenvalue of {@code A / c} then lies in (0, 1]). A ridge is added first.
     */
    public static double[][] sqrtPsd(double[][] a) {
        int d = a.length;
        double eps = RIDGE * Math.max(trace(a), 0) / d;
        double[][] y = new double[d][d];
        for (int i = 0; i < d; i++) {
            if (a[i].length != d) {
                throw new IllegalArgumentException("expected a square matrix, got a row of " + a[i].length + " in " + d);
            }
            System.arraycopy(a[i], 0, y[i], 0, d);
            y[i][i] += eps;
        }
        double c = frobenius(y);
        if (c == 0) {
            return y; // the zero matrix is its own root
        }
        scale(y, 1 / c);
        double[][] z = identity(d);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[][] t = multiply(z, y);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    t[i][j] = ((i == j ? 3 : 0) - t[i][j]) / 2;
                }
            }
            double[][] next = multiply(y, t);
            z = multiply(t, z);
            double change = frobenius(subtract(next, y));
            y = next;
            if (change <= TOLERANCE * frobenius(y)) {
                break;
            }
        }
        scale(y, Math.sqrt(c));
        return symmetrize(y);
    }

    static double trace(double[][] a) {
        double t = 0;
        for (int i = 0; i < a.length; i++) {
            t += a[i][i];
        }
        return t;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] row = out[i];
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                if (v == 0) {
                    continue;
                }
                double[] bp = b[p];
                for (int j = 0; j < m; j++) {
                    row[j] += v * bp[j];
                }
            }
        }
        return out;
    }

    private static double[][] symmetrize(double[][] a) {
        int d = a.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (a[i][j] + a[j][i]) / 2;
            }
        }
        return out;
    }

    private static double[][] subtract(double[][] a, double[][] b) {
        int d = a.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = a[i][j] - b[i][j];
            }
        }
        return out;
    }

    private static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    private static void scale(double[][] a, double f) {
        for (double[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= f;
            }
        }
    }

    private static double[][] identity(int d) {
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            out[i][i] = 1;
        }
        return out;
    }
}
