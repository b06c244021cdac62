package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.TrainingSlot;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Trains a discriminator alone (with {@link GanStep#discriminatorOnly}) to tell harmonic tones from
 * corrupted copies, then measures the separation on held-out tones: mean D(real) − mean D(generated), the
 * mean taken over every logit of every sub-discriminator (LSGAN's targets make it at most about 1).
 *
 * @param steps discriminator updates
 * @param batch tones per update (each also corrupted, so D sees 2·batch clips)
 * @param samples clip length at 22,050 Hz
 * @param corruption what makes the generated clips differ
 * @param snrDb signal-to-noise ratio of broadband noise, dB
 * @param learningRate AdamW rate; β = (0.5, 0.99), no decay or clipping
 */
record SeparationRun(int steps, int batch, int samples, HarmonicTones.Corruption corruption, double snrDb,
        double learningRate) {

    /** Held-out clips, drawn from a seed the training never uses. */
    static final int HELD_OUT = 16;

    /**
     * @param realScore mean logit on held-out real tones
     * @param fakeScore mean logit on their corrupted copies
     * @param seconds wall time of the training and the evaluation
     */
    record Result(double realScore, double fakeScore, double seconds) {

        double separation() {
            return realScore - fakeScore;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "D(real) %.3f, D(fake) %.3f, separation %.3f in %.1f s",
                    realScore, fakeScore, separation(), seconds);
        }
    }

    Result run(Supplier<Discriminator> factory) {
        long start = System.nanoTime();
        try (TrainingSlot slot = TrainingSlot.acquire("discriminator separation"); TorchThreads one = TorchThreads.one();
                NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("separation-init", 0);
            Discriminator d = factory.get();
            d.initialize(m);
            GanStepConfig config = new GanStepConfig(0, learningRate, 0.5, 0.99, 1e-8, 0, 0, 2, 45);
            try (GanStep gan = GanStep.discriminatorOnly(m, d, config)) {
                for (int s = 0; s < steps; s++) {
                    try (NDManager step = m.newSubManager()) {
                        HarmonicTones.Batch b = HarmonicTones.draw(new SplittableRandom(10_000 + s), batch, samples,
                                corruption, snrDb);
                        gan.discriminatorStep(step, step.create(b.real(), new Shape(batch, samples)),
                                step.create(b.fake(), new Shape(batch, samples)));
                    }
                }
            }
            try (NDManager eval = m.newSubManager()) {
                HarmonicTones.Batch b = HarmonicTones.draw(new SplittableRandom(7), HELD_OUT, samples, corruption,
                        snrDb);
                ParameterStore ps = new ParameterStore(eval, false);
                NDArray real = eval.create(b.real(), new Shape(HELD_OUT, samples));
                NDArray fake = eval.create(b.fake(), new Shape(HELD_OUT, samples));
                double realScore = LeastSquaresGan.meanLogit(d.forward(ps, real, false));
                double fakeScore = LeastSquaresGan.meanLogit(d.forward(ps, fake, false));
                return new Result(realScore, fakeScore, (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
