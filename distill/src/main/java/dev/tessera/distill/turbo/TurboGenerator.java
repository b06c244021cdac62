package dev.tessera.distill.turbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.vocoder.EncodedMel;
import dev.tessera.audio.vocoder.FlowMatching;
import dev.tessera.audio.vocoder.FreeU;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.core.nn.Scalars;

/**
 * The PeriodWave-Turbo generator (audio spec 4): a pre-trained {@link PeriodWave} unrolled as a fixed-grid
 * Euler solver, x ← x + (1/N)·v_θ(x, t_i) for t_i = i/N, starting from z = α·σ_E·τ·ε. Everything is one
 * autograd graph: the mel encoder (run once) and all N network evaluations, so an adversarial loss on the
 * output reaches every weight through every step. No flow-matching loss is kept.
 *
 * <p>At inference the same grid is {@code EulerSampler} with N steps and τ = 1, so a student is served by
 * the ordinary vocoder code ({@code MelVocoder}); {@code TurboGeneratorTest} checks the two agree.
 */
public final class TurboGenerator {

    private final PeriodWave student;
    private final FlowMatching flow;
    private final float[] times;
    private final double temperature;

    public TurboGenerator(PeriodWave student, TurboConfig config) {
        this(student, config.steps(), config.temperature());
    }

    /** The same solver with {@code steps} Euler steps (a guide runs the teacher on a finer grid). */
    public TurboGenerator(PeriodWave student, int steps, double temperature) {
        this.student = student;
        this.flow = new FlowMatching(student.config());
        this.times = TurboConfig.times(steps);
        this.temperature = temperature;
    }

    public PeriodWave student() {
        return student;
    }

    /** Euler steps (= network evaluations) per generation. */
    public int steps() {
        return times.length;
    }

    /**
     * x̂ from a log-mel and its noise, recorded for back-propagation when a collector is open.
     *
     * @param logMel (B, nMels, F) natural-log mel of the real crops, every item F frames long
     * @param eps (B, F·hop) standard normal noise
     * @return (B, F·hop) generated audio, in {@code logMel}'s manager
     */
    public NDArray generate(NDArray logMel, NDArray eps) {
        int batch = (int) logMel.getShape().get(0);
        int frames = (int) logMel.getShape().get(2);
        int[] lengths = new int[batch];
        java.util.Arrays.fill(lengths, frames);
        EncodedMel encoded = student.encode(logMel, lengths, null);                               // gradients reach the encoder
        NDArray x = flow.prior(eps, encoded.sigma(), temperature);                               // (B, T), needs no gradient
        float dt = 1f / times.length;
        for (float t : times) {
            NDArray v = student.velocity(x, logMel.getManager().full(new Shape(batch), t), encoded, FreeU.OFF, null);
            x = x.add(Scalars.times(v, dt));                                                     // GC-safe scalar (core.nn.Scalars)
        }
        return x;
    }
}
