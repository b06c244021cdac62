package dev.tessera.image.eval;

/**
 * The mean and covariance of a set of feature vectors, float64: what the Fréchet distance compares.
 *
 * @param mean {@code (d)}
 * @param covariance {@code (d, d)}, the unbiased estimate (divided by {@code n - 1}), symmetric
 * @param count n, vectors it was estimated from
 */
public record GaussianStatistics(double[] mean, double[][] covariance, int count) {

    public GaussianStatistics {
        int d = mean.length;
        if (d == 0 || covariance.length != d) {
            throw new IllegalArgumentException("expected a (d) mean and a (d, d) covariance, got " + d + " and "
                    + covariance.length + " rows");
        }
        for (double[] row : covariance) {
            if (row.length != d) {
                throw new IllegalArgumentException("the covariance must be " + d + "x" + d + ", a row has " + row.length);
            }
        }
    }

    public int dimension() {
        return mean.length;
    }

    /**
     * Statistics of {@code n} vectors of dimension {@code d}.
     *
     * @param features {@code (n, d)}, n >= 2
     */
    public static GaussianStatistics of(double[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 feature vectors, got " + n);
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (double[] f : features) {
            if (f.length != d) {
                throw new IllegalArgumentException("feature vectors differ in length: " + d + " and " + f.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += f[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                c[j] = f[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                double[] row = cov[a];
                for (int b = a; b < d; b++) {
                    row[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n - 1;
                cov[b][a] = cov[a][b];
            }
        }
        return new GaussianStatistics(mean, cov, n);
    }

    /** Statistics of float features {@code (n, d)} stored row-major. */
    public static GaussianStatistics of(float[] features, int d) {
        if (d < 1 || features.length % d != 0) {
            throw new IllegalArgumentException(features.length + " values are not rows of " + d + " features");
        }
        double[][] rows = new double[features.length / d][d];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = features[i * d + j];
            }
        }
        return of(rows);
    }
}
