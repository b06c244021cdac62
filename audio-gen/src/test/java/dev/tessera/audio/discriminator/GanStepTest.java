package dev.tessera.audio.discriminator;

import dev.tessera.core.nn.FixedShapeBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.TrainingException;
import dev.tessera.core.train.TrainingSlot;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class GanStepTest {

    private static final int SAMPLES = 2048;

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** A generator with one gain per sample: x̂ = base ⊙ gain, gain starting at 1. */
    static final class GainGenerator extends FixedShapeBlock {
        final Parameter gain = parameter("gain", Parameter.Type.WEIGHT, new ConstantInitializer(1f), 1, SAMPLES);
    }

    private static Discriminator smallDiscriminator(NDManager m) {
        Seeds.seedEngine("gan-step-d", 0);
        Discriminator d = new MultiPeriodDiscriminator(new MultiPeriodDiscriminatorConfig(List.of(2, 3),
                List.of(4, 8, 8), 5, 3, 0.1));
        d.initialize(m);
        return d;
    }

    private static NDArray[] tones(NDManager m, long seed) {
        HarmonicTones.Batch b = HarmonicTones.draw(new SplittableRandom(seed), 2, SAMPLES,
                HarmonicTones.Corruption.BROADBAND_NOISE, 0);
        return new NDArray[] {m.create(b.real(), new ai.djl.ndarray.types.Shape(2, SAMPLES)),
            m.create(b.fake(), new ai.djl.ndarray.types.Shape(2, SAMPLES))};
    }

    /**
     * G's update after a step is AdamW's first step, −lr·g/(|g| + ε), for g the gradient of L_G at the old G
     * under the updated D, computed here in one collector: the graph of x̂ recorded in the first collector
     * carried G's gradient through the second.
     */
    @Test
    void generatorUpdateFollowsTheGradientUnderTheUpdatedDiscriminator() {
        double lrG = 1e-3;
        try (TrainingSlot slot = TrainingSlot.acquire("gan-step-test");
                NDManager m = NDManager.newBaseManager()) {
            Discriminator d = smallDiscriminator(m);
            GainGenerator g = new GainGenerator();
            g.initialize(m);
            NDArray[] batch = tones(m, 11);
            NDArray real = batch[0];
            NDArray base = batch[1];
            MultiScaleMelLoss mel = MultiScaleMelLoss.turbo();
            // λ_mel = 0: the mel term does not depend on D and would dominate g
            GanStepConfig config = new GanStepConfig(lrG, 1e-2, 0.9, 0.999, 1e-8, 0, 0, 2, 0);
            NDArray before = g.gain.getArray().duplicate();
            GanStepResult result;
            try (GanStep gan = new GanStep(m, g, d, mel, config); NDManager step = m.newSubManager()) {
                result = gan.step(step, real, s -> base.mul(g.gain.getArray()));
                assertEquals(1, gan.discriminatorUpdates());
            }
            NDArray delta = g.gain.getArray().sub(before);
            try (NDManager step = m.newSubManager()) {
                for (TrainableParameters p : List.of(new TrainableParameters(d), new TrainableParameters(g))) {
                    for (NDArray gr : p.gradients(step)) {
                        assertEquals(0f, gr.abs().max().getFloat(), "gradients are zeroed after the step");
                    }
                }
            }

            NDArray leaf = before.duplicate();
            leaf.setRequiresGradient(true);
            try (GradientCollector c = m.getEngine().newGradientCollector()) {
                NDArray fake = base.mul(leaf);
                ParameterStore ps = new ParameterStore(m, false);
                List<DiscriminatorOutput> r = d.forward(ps, real, true);
                List<DiscriminatorOutput> f = d.forward(ps, fake, true);
                NDArray loss = LeastSquaresGan.generatorLoss(f).total()
                        .add(FeatureMatchingLoss.loss(r, f).total().mul(2f));
                assertEquals(result.generatorLoss(), loss.getFloat(), 1e-4 * result.generatorLoss(), "L_G");
                c.backward(loss);
            }
            NDArray grad = leaf.getGradient();
            NDArray expected = grad.div(grad.abs().add(1e-8f)).mul((float) -lrG);
            NDArray mask = grad.abs().gt(grad.abs().max().mul(1e-3f));
            float worst = delta.sub(expected).abs().mul(mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
                    .max().getFloat();
            assertTrue(mask.sum().getLong() > SAMPLES / 2, "most samples carry a gradient");
            assertTrue(worst < 0.01 * lrG, "G's update differs from -lr·sign(g) by " + worst);

            for (String key : List.of("loss", "gradNorm", "score.real", "score.fake", "d.real.mpd.p2", "d.fake.mpd.p3")) {
                assertTrue(Double.isFinite(result.discriminator().get(key)), key);
            }
            for (String key : List.of("loss", "gradNorm", "adv", "fm", "mel", "adv.mpd.p2", "fm.mpd.p3", "mel.w32")) {
                assertTrue(Double.isFinite(result.generator().get(key)), key);
            }
            double weighted = result.generator().get("adv") + 2 * result.generator().get("fm");
            assertEquals(weighted, result.generatorLoss(), 1e-4 * weighted);
        }
    }

    /**
     * A guide (a target waveform aligned with x̂) adds weight·mean|x̂ − guide| to L_G, reported as
     * {@code guide}; with it dominating, the gains move from 1 to the guide's 0.5 within a few steps.
     */
    @Test
    void guideTermPullsTheGeneratorTowardsTheGuideWaveform() {
        try (TrainingSlot slot = TrainingSlot.acquire("gan-step-test");
                NDManager m = NDManager.newBaseManager()) {
            Discriminator d = smallDiscriminator(m);
            GainGenerator g = new GainGenerator();
            g.initialize(m);
            NDArray[] batch = tones(m, 13);
            NDArray real = batch[0];
            NDArray base = batch[1];
            NDArray guide = base.mul(0.5f);
            GanStepConfig config = new GanStepConfig(2e-2, 1e-3, 0.9, 0.999, 1e-8, 0, 0, 2, 0);
            double weight = 1000;
            double firstGuide = Double.NaN;
            GanStepResult last = null;
            try (GanStep gan = new GanStep(m, g, d, MultiScaleMelLoss.turbo(), config)) {
                for (int s = 0; s < 30; s++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray expected = base.mul(g.gain.getArray()).sub(guide).abs().mean();
                        double expectedGuide = expected.getFloat();
                        last = gan.step(step, real, x -> base.mul(g.gain.getArray()), guide, weight);
                        assertEquals(expectedGuide, last.generator().get("guide"), 1e-6, "guide term at step " + s);
                        double weighted = last.generator().get("adv") + 2 * last.generator().get("fm")
                                + weight * last.generator().get("guide");
                        assertEquals(weighted, last.generatorLoss(), 1e-4 * weighted, "L_G with the guide");
                        firstGuide = s == 0 ? expectedGuide : firstGuide;
                    }
                }
            }
            double gain = g.gain.getArray().mean().getFloat();
            assertTrue(gain < 0.75, "mean gain " + gain + " after 30 guided steps (guide at 0.5, start 1)");
            assertTrue(last.generator().get("guide") < 0.5 * firstGuide, "guide term " + firstGuide + " -> "
                    + last.generator().get("guide"));
            try (NDManager step = m.newSubManager()) {
                GanStep plain = new GanStep(m, g, d, MultiScaleMelLoss.turbo(), config);
                assertThrows(IllegalArgumentException.class, () -> plain.step(step, real,
                        x -> base.mul(g.gain.getArray()), guide.get(":, :1024"), weight), "a guide of another shape");
                plain.close();
            }
        }
    }

    @Test
    void discriminatorStepsLowerTheDiscriminatorLossOnAFixedBatch() {
        try (TrainingSlot slot = TrainingSlot.acquire("gan-step-test");
                NDManager m = NDManager.newBaseManager()) {
            Discriminator d = smallDiscriminator(m);
            NDArray[] batch = tones(m, 12);
            double first = 0;
            double last = 0;
            try (GanStep gan = GanStep.discriminatorOnly(m, d, GanStepConfig.turbo().withLearningRates(0, 3e-3))) {
                for (int s = 0; s < 10; s++) {
                    try (NDManager step = m.newSubManager()) {
                        last = gan.discriminatorStep(step, batch[0], batch[1]).get("loss");
                        first = s == 0 ? last : first;
                    }
                }
                assertThrows(IllegalStateException.class, () -> gan.step(m, batch[0], s -> batch[1]));
            }
            assertTrue(last < 0.85 * first, "L_D went from " + first + " to " + last);
        }
    }

    @Test
    void aNonFiniteLossStopsWithDivergedAndLeavesNoGradient() {
        try (TrainingSlot slot = TrainingSlot.acquire("gan-step-test"); NDManager m = NDManager.newBaseManager()) {
            Discriminator d = smallDiscriminator(m);
            NDArray[] batch = tones(m, 13);
            NDArray bad = batch[0].duplicate();
            bad.set(new ai.djl.ndarray.index.NDIndex("0, 100"), Float.NaN);
            try (GanStep gan = GanStep.discriminatorOnly(m, d, GanStepConfig.turbo());
                    NDManager step = m.newSubManager()) {
                TrainingException e = assertThrows(TrainingException.class,
                        () -> gan.discriminatorStep(step, bad, batch[1]));
                assertEquals(TrainingException.Code.DIVERGED, e.code());
                assertEquals(0, gan.discriminatorUpdates());
                for (NDArray gr : new TrainableParameters(d).gradients(step)) {
                    assertEquals(0f, gr.abs().max().getFloat());
                }
            }
        }
    }

    @Test
    void turboDiscriminatorJoinsMpdAndCqtUnderPrefixedNames() {
        CombinedDiscriminator d = CombinedDiscriminator.turbo(MultiPeriodDiscriminatorConfig.tiny(),
                MultiScaleSubBandCqtDiscriminatorConfig.tiny());
        assertEquals(684_410 + 75_552, d.parameterCount());
        assertEquals("mpd+cqt", d.prefix());
        List<String> names = d.getParameters().keys();
        assertTrue(names.contains("mpd_p2_conv0_v") && names.contains("cqt_h512b24_subbands_weight")
                && names.contains("cqt_h256b48_post_g"), names.subList(0, 5).toString());
        try (NDManager m = NDManager.newBaseManager()) {
            d.initialize(m);
            List<DiscriminatorOutput> out = d.forward(new ParameterStore(m, false), TestAudio.noise(m, 1, 1, 4096, 0.1),
                    false);
            assertEquals(List.of("mpd.p2", "mpd.p3", "mpd.p5", "mpd.p7", "mpd.p11", "cqt.h512b24", "cqt.h256b36",
                    "cqt.h256b48"), out.stream().map(DiscriminatorOutput::name).toList());
        }
    }

    @Test
    void configRoundTripsThroughJsonAndRefusesUnknownKeys() {
        assertEquals(GanStepConfig.hifiGan(), GanStepConfig.fromJson(GanStepConfig.hifiGan().toJson()));
        assertEquals(2e-5, GanStepConfig.fromJson(new JsonObject()).generatorLearningRate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GanStepConfig.fromJson(new JsonObject().put("melweight", 10)));
        assertTrue(e.getMessage().contains("melweight"), e.getMessage());
    }
}
