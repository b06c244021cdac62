package dev.tessera.image.eval;

/**
 * Pixel metrics of reconstructions against their originals (specs/image.md 1.5), computed on the host
 * in float64. Images are RGB in [0, 1], laid out {@code (N, 3, H, W)} row-major, the layout of a
 * {@code (B, 3, H, W)} tensor's {@code toFloatArray()}.
 *
 * <ul>
 *   <li>PSNR: per image {@code 10 log10(1 / MSE)} over its 3 x H x W values, then the mean over images;
 *       an exact reconstruction has infinite PSNR (and so has the mean).</li>
 *   <li>SSIM (Wang et al. 2004): an 11 x 11 Gaussian window with sigma 1.5, applied without padding
 *       ("valid": a 32 x 32 image gives a 22 x 22 map, as the reference MATLAB code and pytorch-msssim),
 *       {@code C1 = (0.01 L)^2}, {@code C2 = (0.03 L)^2} with L = 1, per channel; the map's mean per channel,
 *       averaged over the channels, then over images.</li>
 * </ul>
 */
public final class ReconstructionMetrics {

    /** Side of the SSIM window. */
    public static final int WINDOW = 11;
    /** Standard deviation of the SSIM window, pixels. */
    public static final double SIGMA = 1.5;
    public static final double C1 = 0.01 * 0.01;
    public static final double C2 = 0.03 * 0.03;

    private static final double[] GAUSSIAN = gaussian(WINDOW, SIGMA);

    private ReconstructionMetrics() {
    }

    /** Mean over images of the per-image PSNR in dB; {@code +Infinity} when any image is reproduced exactly. */
    public static double psnr(float[] reference, float[] reconstruction, int size) {
        double[] perImage = psnrPerImage(reference, reconstruction, size);
        double sum = 0;
        for (double v : perImage) {
            sum += v;
        }
        return sum / perImage.length;
    }

    /** PSNR of each image, dB: {@code 10 log10(1 / MSE)}. */
    public static double[] psnrPerImage(float[] reference, float[] reconstruction, int size) {
        int n = count(reference, reconstruction, size);
        int per = 3 * size * size;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double se = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
                double d = (double) reference[j] - reconstruction[j];
                se += d * d;
            }
            out[i] = 10 * Math.log10(per / se); // 1 / (se / per); se = 0 gives +Infinity
        }
        return out;
    }

    /** Mean over images of the per-image SSIM (channels averaged). */
    public static double ssim(float[] reference, float[] reconstruction, int size) {
        double[] perImage = ssimPerImage(reference, reconstruction, size);
        double sum = 0;
        for (double v : perImage) {
            sum += v;
        }
        return sum / perImage.length;
    }

    /** SSIM of each image: the mean of each channel's SSIM map, averaged over the 3 channels. */
    public static double[] ssimPerImage(float[] reference, float[] reconstruction, int size) {
        int n = count(reference, reconstruction, size);
        if (size < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "x" + WINDOW + " pixels, got "
                    + size + "x" + size);
        }
        int hw = size * size;
        int out = size - WINDOW + 1; // side of the valid map
        double[] x = new double[hw];
        double[] y = new double[hw];
        double[] xx = new double[hw];
        double[] yy = new double[hw];
        double[] xy = new double[hw];
        double[] tmp = new double[size * out];
        double[] muX = new double[out * out];
        double[] muY = new double[out * out];
        double[] sXX = new double[out * out];
        double[] sYY = new double[out * out];
        double[] sXY = new double[out * out];
        double[] result = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                int base = (i * 3 + c) * hw;
                for (int p = 0; p < hw; p++) {
                    x[p] = reference[base + p];
                    y[p] = reconstruction[base + p];
                    xx[p] = x[p] * x[p];
                    yy[p] = y[p] * y[p];
                    xy[p] = x[p] * y[p];
                }
                filter(x, size, tmp, muX);
                filter(y, size, tmp, muY);
                filter(xx, size, tmp, sXX);
                filter(yy, size, tmp, sYY);
                filter(xy, size, tmp, sXY);
                double channel = 0;
                for (int p = 0; p < out * out; p++) {
                    double mx = muX[p];
                    double my = muY[p];
                    double vx = sXX[p] - mx * mx;
                    double vy = sYY[p] - my * my;
                    double cxy = sXY[p] - mx * my;
                    channel += (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                }
                sum += channel / (out * out);
            }
            result[i] = sum / 3;
        }
        return result;
    }

    /** The normalized 1-D Gaussian of {@code n} taps; the 2-D window is its outer product. */
    static double[] gaussian(int n, double sigma) {
        double[] g = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = i - (n - 1) / 2.0;
            g[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /**
     * Separable valid filtering with {@link #GAUSSIAN}: {@code (size, size)} to {@code (size - 10, size - 10)}.
     *
     * @param tmp scratch of {@code size * (size - 10)}
     */
    private static void filter(double[] src, int size, double[] tmp, double[] dst) {
        int out = size - WINDOW + 1;
        for (int r = 0; r < size; r++) {          // rows: (size, size) -> (size, out)
            for (int c = 0; c < out; c++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += GAUSSIAN[k] * src[r * size + c + k];
                }
                tmp[r * out + c] = s;
            }
        }
        for (int r = 0; r < out; r++) {           // columns: (size, out) -> (out, out)
            for (int c = 0; c < out; c++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += GAUSSIAN[k] * tmp[(r + k) * out + c];
                }
                dst[r * out + c] = s;
            }
        }
    }

    private static int count(float[] reference, float[] reconstruction, int size) {
        int per = 3 * size * size;
        if (size < 1 || reference.length != reconstruction.length || reference.length == 0 || reference.length % per != 0) {
            throw new IllegalArgumentException("expected two equal, non-empty sets of " + size + "x" + size
                    + " RGB images (multiples of " + per + " values), got " + reference.length + " and "
                    + reconstruction.length + " values");
        }
        return reference.length / per;
    }
}
