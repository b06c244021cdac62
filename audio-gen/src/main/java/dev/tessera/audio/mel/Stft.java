package dev.tessera.audio.mel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.nn.Constants;

/**
 * Short-time Fourier transform and its inverse, batched in libtorch.
 *
 * <p>Two framings: {@link Padding#HIFIGAN} reflect-pads (n_fft − hop)/2 samples on each side and frames
 * without centring, so T samples give ⌊T/hop⌋ frames (audio spec 1.2); {@link Padding#CENTER} reflect-pads
 * n_fft/2 (torch's {@code center=True}), giving ⌊T/hop⌋ + 1 frames. Inputs too short to reflect are first
 * zero-extended to n_fft samples. The window is a periodic Hann of {@code winLength} samples centred in
 * n_fft.
 *
 * <p>DJL has no inverse STFT, so {@link #inverse} is built from irfft plus windowed overlap-add (spec 5).
 *
 * <p>Arrays are (B, T) float32 audio and (B, bins, frames, 2) spectra, real and imaginary parts last,
 * bins = n_fft/2 + 1. Results live in the input's manager; temporaries are closed before returning.
 */
public final class Stft {

    public enum Padding {
        HIFIGAN,
        CENTER
    }

    private final int nFft;
    private final int hop;
    private final int winLength;
    private final Padding padding;
    /** n_fft samples: Hann(winLength) centred, zeros around it. */
    private final float[] window;

    public Stft(int nFft, int hop, int winLength, Padding padding) {
        if (nFft < 2 || hop < 1 || winLength < 1 || winLength > nFft) {
            throw new IllegalArgumentException("need n_fft >= 2, hop >= 1 and 1 <= window <= n_fft, got n_fft="
                    + nFft + " hop=" + hop + " window=" + winLength);
        }
        if (padding == Padding.HIFIGAN && ((nFft - hop) % 2 != 0 || hop > nFft)) {
            throw new IllegalArgumentException("HiFi-GAN framing needs an even n_fft - hop, got " + (nFft - hop));
        }
        this.nFft = nFft;
        this.hop = hop;
        this.winLength = winLength;
        this.padding = padding;
        this.window = new float[nFft];
        int left = (nFft - winLength) / 2;
        for (int n = 0; n < winLength; n++) {
            window[left + n] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * n / winLength));
        }
    }

    /** The HiFi-GAN framing of audio spec 1.2: n_fft 1024, hop 256, window 1024. */
    public static Stft hifiGan() {
        return new Stft(1024, 256, 1024, Padding.HIFIGAN);
    }

    public int nFft() {
        return nFft;
    }

    public int hop() {
        return hop;
    }

    public int bins() {
        return nFft / 2 + 1;
    }

    public Padding padding() {
        return padding;
    }

    /** Reflect padding on each side, in samples. */
    public int pad() {
        return padding == Padding.HIFIGAN ? (nFft - hop) / 2 : nFft / 2;
    }

    /** The analysis window, n_fft samples. */
    public float[] window() {
        return window.clone();
    }

    /** Frames for a signal of {@code samples} samples. */
    public int frames(long samples) {
        long t = samples <= pad() ? nFft : samples;
        return (int) ((t + 2L * pad() - nFft) / hop + 1);
    }

    /** (B, T) audio → (B, bins, frames, 2) spectrum. */
    public NDArray forward(NDArray audio) {
        requireBatch(audio);
        NDManager owner = audio.getManager();
        try (NDManager scope = owner.newSubManager()) {
            audio.tempAttach(scope);
            NDArray padded = reflectPad(audio);
            NDArray win = Constants.copyOf(scope, window);
            NDArray spec = padded.stft(nFft, hop, false, win, false, true).real(); // (B, bins, frames, 2)
            spec.attach(owner);
            return spec;
        }
    }

    /** |X|² = re² + im²: (B, bins, frames, 2) → (B, bins, frames). */
    public static NDArray power(NDArray spectrum) {
        return spectrum.square().sum(new int[] {-1});
    }

    /**
     * Inverse of {@link #forward}: irfft of each frame, times the window, overlap-added at the hop, divided
     * by Σ w² (exact at the edges too) and cropped past the padding to {@code length} samples.
     *
     * @param spectrum (B, bins, frames, 2)
     * @param length samples to return, at most frames·hop + pad
     * @return (B, length)
     */
    public NDArray inverse(NDArray spectrum, int length) {
        Shape s = spectrum.getShape();
        if (s.dimension() != 4 || s.get(1) != bins() || s.get(3) != 2) {
            throw new IllegalArgumentException("expected a (B, " + bins() + ", frames, 2) spectrum, got " + s);
        }
        if (nFft % hop != 0) {
            throw new IllegalArgumentException("overlap-add needs n_fft to be a multiple of the hop, got "
                    + nFft + " and " + hop);
        }
        int batch = (int) s.get(0);
        int frames = (int) s.get(2);
        int blocks = nFft / hop;
        int total = (frames + blocks - 1) * hop; // overlap-added length, padding included
        if (length < 1 || pad() + length > total) {
            throw new IllegalArgumentException(frames + " frames hold at most " + (total - pad())
                    + " samples, asked for " + length);
        }
        NDManager owner = spectrum.getManager();
        try (NDManager scope = owner.newSubManager()) {
            spectrum.tempAttach(scope);
            NDArray win = Constants.copyOf(scope, window);
            // (B, bins, frames, 2) → complex (B, frames, bins) → real frames (B, frames, n_fft), windowed.
            NDArray frame = spectrum.transpose(0, 2, 1, 3).complex().irfft(nFft, -1).mul(win);
            NDArray split = frame.reshape(batch, frames, blocks, hop);
            // Block r of frame f lands on output block f + r: add `blocks` shifted copies of the sequence.
            NDArray sum = null;
            for (int r = 0; r < blocks; r++) {
                NDArray part = split.get(":, :, " + r + ", :").pad(new Shape(0, 0, r, blocks - 1 - r), 0);
                sum = sum == null ? part : sum.add(part);
            }
            NDArray signal = sum.reshape(batch, total);
            NDArray envelope = Constants.copyOf(scope, inverseEnvelope(frames, total));
            NDArray out = signal.mul(envelope).get(":, " + pad() + ":" + (pad() + length));
            out.attach(owner);
            return out;
        }
    }

    /** 1 / Σ_f w²[n − f·hop] over the overlap-added length, in double, 0 where no window reaches. */
    private float[] inverseEnvelope(int frames, int total) {
        double[] env = new double[total];
        for (int f = 0; f < frames; f++) {
            for (int n = 0; n < nFft; n++) {
                env[f * hop + n] += (double) window[n] * window[n];
            }
        }
        float[] inv = new float[total];
        for (int i = 0; i < total; i++) {
            inv[i] = env[i] > 1e-10 ? (float) (1 / env[i]) : 0f;
        }
        return inv;
    }

    /** Zero-extends short inputs to n_fft, then reflect-pads {@link #pad()} samples on each side. */
    NDArray reflectPad(NDArray audio) {
        int p = pad();
        NDArray x = audio;
        long t = x.getShape().get(1);
        if (t <= p) {
            x = x.pad(new Shape(0, nFft - t), 0);
            t = nFft;
        }
        NDArray left = x.get(":, 1:" + (p + 1)).flip(1);
        NDArray right = x.get(":, " + (t - p - 1) + ":" + (t - 1)).flip(1);
        return left.concat(x, 1).concat(right, 1);
    }

    static void requireBatch(NDArray audio) {
        if (audio.getShape().dimension() != 2 || audio.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected (B, T) float32 audio, got " + audio.getShape() + " "
                    + audio.getDataType());
        }
    }
}
