package dev.tessera.audio.mel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Slaney-style mel filters (librosa {@code htk=False, norm='slaney'}), built in double precision.
 *
 * <p>The mel scale is linear below 1 kHz (3f/200) and logarithmic above (15 + 27·ln(f/1000)/ln 6.4).
 * nMels + 2 points are spaced evenly in mel between fMin and fMax; filter i is the triangle over points
 * i, i+1, i+2, sampled at the bin frequencies k·sampleRate/nFft and scaled by 2/(f_{i+2} − f_i) so every
 * filter has the same area.
 */
public final class MelFilterbank {

    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private final int nMels;
    private final int bins;
    private final double[] edgesHz;
    /** nMels × bins, row-major. */
    private final double[] weights;

    public MelFilterbank(MelConfig c) {
        this.nMels = c.nMels();
        this.bins = c.bins();
        this.edgesHz = new double[nMels + 2];
        double lo = hzToMel(c.fMin());
        double hi = hzToMel(c.fMax());
        for (int i = 0; i < nMels + 2; i++) {
            edgesHz[i] = melToHz(lo + (hi - lo) * i / (nMels + 1));
        }
        this.weights = new double[nMels * bins];
        for (int m = 0; m < nMels; m++) {
            double f0 = edgesHz[m];
            double f1 = edgesHz[m + 1];
            double f2 = edgesHz[m + 2];
            double norm = 2.0 / (f2 - f0);
            for (int k = 0; k < bins; k++) {
                double f = k * (double) c.sampleRate() / c.nFft();
                double w = Math.max(0, Math.min((f - f0) / (f1 - f0), (f2 - f) / (f2 - f1)));
                weights[m * bins + k] = w * norm;
            }
        }
    }

    public static double hzToMel(double hz) {
        return hz < 1000 ? 3 * hz / 200 : 15 + Math.log(hz / 1000) / LOG_STEP;
    }

    public static double melToHz(double mel) {
        return mel < 15 ? 200 * mel / 3 : 1000 * Math.exp((mel - 15) * LOG_STEP);
    }

    public int nMels() {
        return nMels;
    }

    public int bins() {
        return bins;
    }

    /** Filter edges: filter i spans edgesHz[i] .. edgesHz[i + 2] and peaks at edgesHz[i + 1]. */
    public double[] edgesHz() {
        return edgesHz.clone();
    }

    public double weight(int mel, int bin) {
        return weights[mel * bins + bin];
    }

    /** The weights as float32, nMels × bins row-major: W in mel = W·|X|. */
    public float[] weightsAsFloat() {
        float[] w = new float[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) weights[i];
        }
        return w;
    }

    /**
     * The pseudo-inverse P = Wᵀ(WWᵀ)⁻¹ (bins × nMels, row-major, float32), computed in double. It maps mel
     * energies back to a linear spectrum (Griffin-Lim, audio spec 5); bins above fMax stay zero.
     */
    public float[] pseudoInverse() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(weights, new Shape(nMels, bins)); // float64
            NDArray p = w.transpose().matMul(w.matMul(w.transpose()).inverse()); // (bins, nMels)
            return p.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
