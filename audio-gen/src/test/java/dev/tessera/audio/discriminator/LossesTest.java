package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.audio.mel.MelConfig;
import dev.tessera.audio.mel.MelFilterbank;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.StepLoss;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class LossesTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static DiscriminatorOutput output(NDManager m, String name, float logit, float... features) {
        List<NDArray> maps = new java.util.ArrayList<>();
        for (float f : features) {
            maps.add(m.full(new Shape(2, 3, 4), f));
        }
        return new DiscriminatorOutput(name, m.full(new Shape(2, 1, 5), logit), maps);
    }

    private static double value(StepLoss loss, String term) {
        return term == null ? loss.total().getFloat() : loss.terms().get(term).getFloat();
    }

    @Test
    void leastSquaresLossesPushRealToOneAndGeneratedToZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<DiscriminatorOutput> real = List.of(output(m, "mpd.p2", 0.75f), output(m, "cqt.h512b24", 1.5f));
            List<DiscriminatorOutput> fake = List.of(output(m, "mpd.p2", 0.25f), output(m, "cqt.h512b24", -1f));
            StepLoss d = LeastSquaresGan.discriminatorLoss(real, fake);
            // (0.75 − 1)² + 0.25² + (1.5 − 1)² + (−1)² = 0.0625 + 0.0625 + 0.25 + 1
            assertEquals(1.375, value(d, null), 1e-6);
            assertEquals(0.0625, value(d, "d.real.mpd.p2"), 1e-6);
            assertEquals(1.0, value(d, "d.fake.cqt.h512b24"), 1e-6);
            StepLoss g = LeastSquaresGan.generatorLoss(fake);
            // (0.25 − 1)² + (−1 − 1)² = 0.5625 + 4
            assertEquals(4.5625, value(g, null), 1e-6);
            assertEquals(4.0, value(g, "adv.cqt.h512b24"), 1e-6);
            assertEquals((0.75 + 1.5) / 2, LeastSquaresGan.meanLogit(real), 1e-6);
        }
    }

    @Test
    void outputsOfDifferentDiscriminatorsAreNotPaired() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeastSquaresGan
                    .discriminatorLoss(List.of(output(m, "mpd.p2", 1)), List.of(output(m, "mpd.p3", 0))));
            assertTrue(e.getMessage().contains("mpd.p2") && e.getMessage().contains("mpd.p3"), e.getMessage());
        }
    }

    @Test
    void featureMatchingSumsLayerMeansAndLeavesTheRealFeaturesAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiscriminatorOutput real = output(m, "stft.w512", 0, 1f, -2f, 0.5f);
            DiscriminatorOutput fake = output(m, "stft.w512", 0, 0.5f, 1f, 0.5f);
            for (NDArray f : real.featureMaps()) {
                f.setRequiresGradient(true);
            }
            for (NDArray f : fake.featureMaps()) {
                f.setRequiresGradient(true);
            }
            StepLoss fm;
            try (GradientCollector c = m.getEngine().newGradientCollector()) {
                fm = FeatureMatchingLoss.loss(List.of(real), List.of(fake));
                c.backward(fm.total());
            }
            assertEquals(0.5 + 3 + 0, value(fm, "fm.stft.w512"), 1e-6);
            assertEquals(0f, real.featureMaps().get(0).getGradient().abs().max().getFloat(), "real features are cut");
            // d|f_r − f|/df = −sign(f_r − f) / n: 1 > 0.5, so −1/24 per element
            assertEquals(-1f / 24, fake.featureMaps().get(0).getGradient().max().getFloat(), 1e-7);
        }
    }

    @Test
    void melLossHasSevenScalesWithoutEmptyFilters() {
        MultiScaleMelLoss loss = MultiScaleMelLoss.turbo();
        List<MelConfig> scales = loss.scales();
        assertEquals(7, scales.size());
        for (int s = 0; s < 7; s++) {
            MelConfig c = scales.get(s);
            assertEquals(32 << s, c.nFft());
            assertEquals(c.nFft() / 4, c.hop());
            assertEquals(5 << s, c.nMels());
            assertEquals(11_025, c.fMax());
            float[] w = new MelFilterbank(c).weightsAsFloat();
            for (int mel = 0; mel < c.nMels(); mel++) {
                float peak = 0;
                for (int k = 0; k < c.bins(); k++) {
                    peak = Math.max(peak, w[mel * c.bins() + k]);
                }
                assertTrue(peak > 0, "mel filter " + mel + " of the " + c.nFft() + "-sample scale is empty");
            }
        }
    }

    /** Doubling the amplitude raises every log10 mel value by log10 2, so each scale's L1 is 0.30103. */
    @Test
    void melLossOfADoubledSignalIsLogTenOfTwoPerScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = TestAudio.noise(m, 7, 2, 8192, 0.3);
            StepLoss loss = MultiScaleMelLoss.turbo().loss(real, real.mul(2f));
            for (int w = 32; w <= 2048; w *= 2) {
                assertEquals(Math.log10(2), value(loss, "mel.w" + w), 1e-4, "scale " + w);
            }
            assertEquals(7 * Math.log10(2), value(loss, null), 5e-4);
            assertEquals(0.0, value(MultiScaleMelLoss.turbo().loss(real, real), null), 1e-7);
        }
    }
}
