package dev.tessera.audio.griffinlim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.mel.Stft;
import dev.tessera.audio.wav.AudioInputException;
import dev.tessera.audio.wav.AudioInputException.Reason;
import java.util.SplittableRandom;

/**
 * The vocoder baseline of audio spec 5: fast Griffin-Lim from the same log-mel the vocoder sees.
 *
 * <ol>
 *   <li>S = max(P·exp(log-mel), 0), P = Wᵀ(WWᵀ)⁻¹ the filterbank's pseudo-inverse (computed once, in
 *       double); bins above 8 kHz stay zero.</li>
 *   <li>Start from a seeded uniform random phase; each iteration runs ISTFT → STFT (the framing of spec
 *       1.2) and takes the new phase with momentum α (Perraudin et al.'s fast Griffin-Lim, in librosa's
 *       form: c ← rebuilt − α/(1+α)·previous rebuilt, phase ← c/|c|).</li>
 *   <li>The output is the ISTFT of S with the last phase: frames × 256 samples.</li>
 * </ol>
 *
 * <p>Each iteration runs in its own sub-manager, so memory stays flat however many iterations run.
 */
public final class GriffinLim {

    public static final int DEFAULT_ITERATIONS = 32;
    public static final double DEFAULT_MOMENTUM = 0.99;

    /**
     * @param audio (B, frames·hop) float32
     * @param spectralConvergence ‖|STFT(x_i)| − S‖_F / ‖S‖_F after each iteration i (all items together),
     *     empty unless asked for
     */
    public record Result(NDArray audio, double[] spectralConvergence) {
    }

    private final MelSpectrogram mel;
    private final Stft stft;
    /** (bins, nMels) row-major. */
    private final float[] pseudoInverse;

    public GriffinLim(MelSpectrogram mel) {
        this.mel = mel;
        this.stft = mel.stft();
        this.pseudoInverse = mel.filterbank().pseudoInverse();
    }

    public static GriffinLim hifiGan() {
        return new GriffinLim(MelSpectrogram.hifiGan());
    }

    /** Default settings: 32 iterations, momentum 0.99. */
    public NDArray vocode(NDArray logMel, long seed) {
        return reconstruct(logMel, DEFAULT_ITERATIONS, DEFAULT_MOMENTUM, seed, false).audio();
    }

    /**
     * @param logMel (B, nMels, frames) natural-log mel, float32
     * @param seed seeds the initial phase; the same seed gives the same audio
     * @param trackConvergence whether to measure the spectral convergence after every iteration
     */
    public Result reconstruct(NDArray logMel, int iterations, double momentum, long seed, boolean trackConvergence) {
        int nMels = mel.config().nMels();
        Shape shape = logMel.getShape();
        if (shape.dimension() != 3 || shape.get(1) != nMels) {
            throw new AudioInputException(Reason.BAD_SHAPE, "expected a (batch, " + nMels + ", frames) log-mel, got "
                    + shape + (shape.dimension() == 3 ? "; expected " + nMels + " mel bins, got " + shape.get(1) : ""));
        }
        if (shape.get(2) < 1) {
            throw new AudioInputException(Reason.EMPTY, "the log-mel has no frames");
        }
        if (iterations < 0 || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("need iterations >= 0 and 0 <= momentum < 1, got " + iterations
                    + " and " + momentum);
        }
        int batch = (int) shape.get(0);
        int frames = (int) shape.get(2);
        int bins = stft.bins();
        int length = frames * stft.hop();
        double alpha = momentum / (1 + momentum);
        double[] convergence = new double[trackConvergence ? iterations : 0];
        NDManager owner = logMel.getManager();
        try (NDManager scope = owner.newSubManager()) {
            logMel.tempAttach(scope);
            NDArray floatMel = logMel.toType(DataType.FLOAT32, false);
            if (floatMel.isInfinite().logicalOr(floatMel.isNaN()).any().getBoolean()) {
                throw new AudioInputException(Reason.NON_FINITE_SAMPLE, "the log-mel holds NaN or infinite values;"
                        + " send finite natural-log mel values (silence is ln(1e-5) = -11.51)");
            }
            NDArray p = scope.create(pseudoInverse, new Shape(bins, nMels));
            NDArray target = p.matMul(floatMel.exp()).maximum(0); // (B, bins, frames)
            NDArray magnitude = target.expandDims(-1); // (B, bins, frames, 1), broadcast over re/im
            double targetNorm = trackConvergence ? target.norm().getFloat() : 1;
            NDArray angles = randomPhase(scope, batch, bins, frames, seed); // (B, bins, frames, 2)
            NDArray previous = scope.zeros(angles.getShape());
            for (int i = 0; i < iterations; i++) {
                try (NDManager step = scope.newSubManager()) {
                    angles.attach(step); // the old phase and rebuilt spectrum die with this step
                    previous.attach(step);
                    magnitude.tempAttach(step);
                    NDArray rebuilt = stft.forward(stft.inverse(magnitude.mul(angles), length));
                    NDArray c = rebuilt.sub(previous.mul(alpha));
                    NDArray next = c.div(Stft.power(c).sqrt().add(1e-16).expandDims(-1));
                    if (trackConvergence) {
                        NDArray error = Stft.power(rebuilt).sqrt().sub(magnitude.squeeze(-1));
                        convergence[i] = error.norm().getFloat() / targetNorm;
                    }
                    next.attach(scope);
                    rebuilt.attach(scope);
                    angles = next;
                    previous = rebuilt;
                }
            }
            NDArray audio = stft.inverse(magnitude.mul(angles), length); // (B, frames·hop)
            audio.attach(owner);
            return new Result(audio, convergence);
        }
    }

    /** Unit phasors (cos θ, sin θ), θ uniform in [0, 2π) from a Java generator, so the seed alone decides. */
    private static NDArray randomPhase(NDManager manager, int batch, int bins, int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] phasors = new float[batch * bins * frames * 2];
        for (int i = 0; i < phasors.length; i += 2) {
            double theta = r.nextDouble() * 2 * Math.PI;
            phasors[i] = (float) Math.cos(theta);
            phasors[i + 1] = (float) Math.sin(theta);
        }
        return manager.create(phasors, new Shape(batch, bins, frames, 2));
    }
}
