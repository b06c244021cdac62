package dev.tessera.audio.cqt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import dev.tessera.audio.resample.KaiserSinc;
import dev.tessera.core.nn.Constants;

/**
 * A differentiable constant-Q transform at 44,100 Hz with octave-wise time-domain kernels (the nnAudio
 * CQT2010v2 scheme, audio spec 3.2): 9 octaves of B bins from {@value #F_MIN} Hz.
 *
 * <ul>
 *   <li>Top-octave kernels: Q = 1/(2^(1/B) − 1), f_k = 32.70·2^(8 + k/B), l_k = ⌈Q·44100/f_k⌉,
 *       kernel = Hann(l_k)/l_k · e^(−2πi·f_k·n/44100) with n counted from the centre of an n_fft frame
 *       (n_fft = the next power of two ≥ l_0). Real and imaginary parts form one constant conv1d weight
 *       (2B, 1, n_fft).</li>
 *   <li>Octave o = 0 (top) .. 8: zero-pad n_fft/2 per side and convolve with stride hop/2^o; then halve
 *       the rate with a 63-tap zero-phase Kaiser sinc (β = 8, cutoff a quarter of the current rate) for
 *       the next octave, so the same kernels see one octave lower.</li>
 *   <li>Every octave gives ⌊L/hop⌋ + 1 frames, frame t centred on input sample t·hop (the decimator and
 *       the kernels are zero-phase; octaves that would give one frame more are cropped).</li>
 *   <li>Scaling: a sine of amplitude A at a bin centre gives |C| ≈ A/4, as TarsosDSP's {@code ConstantQ};
 *       {@link #librosaScale} multiplies bin k by 2·√l_k to match nnAudio's "librosa" scaling.</li>
 * </ul>
 *
 * <p>Gradients reach the waveform through conv1d. Arrays: (B, T) float32 audio at 44.1 kHz in,
 * (B, 2, frames, 9·B) out (real, imaginary; bins ascending in frequency). The instance holds only Java
 * arrays; results are attached to the input's manager and temporaries closed.
 */
public final class ConstantQTransform {

    public static final double F_MIN = 32.70;
    public static final int OCTAVES = 9;
    public static final int SAMPLE_RATE = 44_100;
    /** Decimation filter: 63 taps (31 per side), Kaiser β = 8, cutoff at a quarter of the rate. */
    static final int DECIMATOR_HALF_LENGTH = 31;
    static final double DECIMATOR_BETA = 8;

    private final int hop;
    private final int binsPerOctave;
    private final double q;
    private final int nFft;
    /** Top-octave kernel lengths l_k, samples. */
    private final int[] lengths;
    /** (2B, 1, nFft): B real rows, then B imaginary rows. */
    private final float[] kernels;
    private final float[] decimator;

    /**
     * @param hop frame hop at 44.1 kHz, a multiple of 2^8 so every octave has an integer stride
     * @param binsPerOctave B
     */
    public ConstantQTransform(int hop, int binsPerOctave) {
        if (hop < 256 || hop % 256 != 0 || binsPerOctave < 1) {
            throw new IllegalArgumentException("hop must be a positive multiple of 256 and B >= 1, got hop=" + hop
                    + " B=" + binsPerOctave);
        }
        this.hop = hop;
        this.binsPerOctave = binsPerOctave;
        this.q = 1 / (Math.pow(2, 1.0 / binsPerOctave) - 1);
        this.lengths = new int[binsPerOctave];
        for (int k = 0; k < binsPerOctave; k++) {
            lengths[k] = (int) Math.ceil(q * SAMPLE_RATE / topFrequency(k));
        }
        this.nFft = Integer.highestOneBit(lengths[0] - 1) << 1;
        this.kernels = new float[2 * binsPerOctave * nFft];
        for (int k = 0; k < binsPerOctave; k++) {
            int l = lengths[k];
            int start = (nFft - l) / 2;
            double omega = 2 * Math.PI * topFrequency(k) / SAMPLE_RATE;
            for (int i = 0; i < l; i++) {
                int j = start + i;
                double w = (0.5 - 0.5 * Math.cos(2 * Math.PI * i / l)) / l;
                double phase = omega * (j - nFft / 2);
                kernels[k * nFft + j] = (float) (w * Math.cos(phase));
                kernels[(binsPerOctave + k) * nFft + j] = (float) (-w * Math.sin(phase));
            }
        }
        double[] h = decimatorTaps();
        this.decimator = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            decimator[i] = (float) h[i];
        }
    }

    /** The 63 taps of the decimation filter, DC gain 1. */
    static double[] decimatorTaps() {
        return KaiserSinc.lowPass(DECIMATOR_HALF_LENGTH, 0.25, DECIMATOR_BETA, 1.0);
    }

    private double topFrequency(int k) {
        return F_MIN * Math.pow(2, (OCTAVES - 1) + k / (double) binsPerOctave);
    }

    public int hop() {
        return hop;
    }

    public int binsPerOctave() {
        return binsPerOctave;
    }

    public int bins() {
        return OCTAVES * binsPerOctave;
    }

    public double q() {
        return q;
    }

    public int nFft() {
        return nFft;
    }

    /** Centre frequencies of all 9·B bins, ascending, Hz: 32.70·2^(b/B). */
    public double[] frequencies() {
        double[] f = new double[bins()];
        for (int b = 0; b < f.length; b++) {
            f[b] = F_MIN * Math.pow(2, b / (double) binsPerOctave);
        }
        return f;
    }

    /** Top-octave kernel lengths l_k (samples at 44.1 kHz); octave o reuses them at 44,100/2^o Hz. */
    public int[] kernelLengths() {
        return lengths.clone();
    }

    /** ⌊samples/hop⌋ + 1. */
    public int frames(long samples) {
        return (int) (samples / hop + 1);
    }

    /** (B, T) float32 audio at 44.1 kHz → (B, 2, frames, 9·B), |C| ≈ A/4 for a sine of amplitude A. */
    public NDArray forward(NDArray audio) {
        Shape s = audio.getShape();
        if (s.dimension() != 2 || audio.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected (B, T) float32 audio, got " + s + " " + audio.getDataType());
        }
        int batch = (int) s.get(0);
        int frames = frames(s.get(1));
        NDManager owner = audio.getManager();
        try (NDManager scope = owner.newSubManager()) {
            audio.tempAttach(scope);
            NDArray w = Constants.copyOf(scope, kernels, new Shape(2L * binsPerOctave, 1, nFft));
            NDArray lowPass = Constants.copyOf(scope, decimator, new Shape(1, 1, decimator.length));
            NDArray x = audio.expandDims(1); // (B, 1, T)
            NDList octaves = new NDList(OCTAVES);
            for (int o = 0; o < OCTAVES; o++) {
                if (o > 0) {
                    x = Conv1d.conv1d(x, lowPass, null, new Shape(2), new Shape(DECIMATOR_HALF_LENGTH), new Shape(1))
                            .singletonOrThrow(); // (B, 1, ⌈T_o/2⌉)
                }
                NDArray c = Conv1d.conv1d(x, w, null, new Shape(hop >> o), new Shape(nFft / 2), new Shape(1))
                        .singletonOrThrow(); // (B, 2B, frames_o), frames_o ∈ {frames, frames + 1}
                c = c.get(":, :, 0:" + frames).reshape(batch, 2, binsPerOctave, frames);
                octaves.add(0, c); // lowest octave first
            }
            NDArray out = NDArrays.concat(octaves, 2).transpose(0, 1, 3, 2); // (B, 2, frames, 9B)
            out.attach(owner);
            return out;
        }
    }

    /** Multiplies bin k by 2·√l_k (l of its top-octave kernel): nnAudio's "librosa" scaling, for discriminators. */
    public NDArray librosaScale(NDArray cqt) {
        float[] g = new float[bins()];
        for (int b = 0; b < g.length; b++) {
            g[b] = (float) (2 * Math.sqrt(lengths[b % binsPerOctave]));
        }
        NDManager owner = cqt.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray out = cqt.mul(Constants.copyOf(scope, g));
            out.attach(owner);
            return out;
        }
    }
}
