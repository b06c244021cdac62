package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Mel to waveform with a {@link PeriodWave} and any {@link FlowSampler} (audio spec 2.5): encode the
 * mel once, start from z = alpha * sigma_E * tau * eps with counter-based noise, integrate from t = 0
 * to 1. The model does not know which sampler drives it, and the sampler does not know the model.
 */
public final class Vocoder {

    /**
     * How to sample.
     *
     * @param sampler the ODE solver
     * @param steps solver steps (the teacher's default is 16 midpoint steps, 32 evaluations)
     * @param temperature tau, the scale of the starting noise (0.667 for the teacher)
     * @param seed key of the noise; sample n of every item is eps(seed, n)
     * @param freeU up-block scales at inference
     */
    public record Sampling(FlowSampler sampler, int steps, double temperature, long seed, FreeU freeU) {

        public static Sampling teacher(long seed) {
            return new Sampling(new MidpointSampler(), 16, 0.667, seed, FreeU.OFF);
        }

        public Sampling {
            if (steps < 1 || !(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("need steps >= 1 and a finite temperature >= 0, got " + steps + " and "
                        + temperature);
            }
        }
    }

    private final PeriodWave model;
    private final FlowMatching flow;

    public Vocoder(PeriodWave model) {
        this.model = model;
        this.flow = new FlowMatching(model.config());
    }

    public PeriodWave model() {
        return model;
    }

    /**
     * @param logMel (B, nMels, F) natural-log mel
     * @param frames valid frames of each item
     * @return (B, F * hop) waveform, zero past each item's frames * hop samples, in logMel's manager
     */
    public NDArray vocode(NDArray logMel, int[] frames, Sampling sampling) {
        NDManager owner = logMel.getManager();
        // Sampling needs no gradients; grad mode is per thread, so restore whatever the caller had.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = owner.newSubManager()) {
            NDArray mel = PeriodWave.scoped(logMel, scope);
            EncodedMel encoded = model.encode(mel, frames, null);
            NDArray z = flow.prior(noise(scope, encoded.lengths(), encoded.samples(), sampling.seed()), encoded.sigma(),
                    sampling.temperature());                                                   // (B, T)
            int batch = frames.length;
            VelocityField field = (x, t) -> model.velocity(x, x.getManager().full(new Shape(batch), t), encoded,
                    sampling.freeU(), null);
            NDArray audio = sampling.sampler().integrate(field, z, sampling.steps());
            audio.attach(owner);
            return audio;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** (B, T) counter-based noise, zero past each item's length. */
    static NDArray noise(NDManager manager, int[] lengths, int samples, long seed) {
        float[] eps = new float[lengths.length * samples];
        for (int b = 0; b < lengths.length; b++) {
            System.arraycopy(CounterNoise.gaussian(seed, 0, lengths[b]), 0, eps, b * samples, lengths[b]);
        }
        return manager.create(eps, new Shape(lengths.length, samples));
    }
}
