package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.audio.cqt.CqtScale;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class MultiScaleSubBandCqtDiscriminatorTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void parameterCountsOfTinyAndBigVganWidths() {
        // per scale: 9 octave convs 2→2 (3×9) = 990, plain 2→C (3×9), three weight-normed C→C (3×9),
        // C→C (3×3) and C→1 (3×3)
        assertEquals(75_552, new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny())
                .parameterCount());
        assertEquals(4_454_304, new MultiScaleSubBandCqtDiscriminator(
                MultiScaleSubBandCqtDiscriminatorConfig.bigVgan()).parameterCount());
    }

    @Test
    void eachScaleGivesFiveFeatureMapsOverCqtFramesAndBins() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("cqt-shapes", 0);
            MultiScaleSubBandCqtDiscriminator d =
                    new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny());
            d.initialize(m);
            List<DiscriminatorOutput> out = d.forward(new ParameterStore(m, false), TestAudio.noise(m, 1, 2, 4096, 0.1),
                    false);
            assertEquals(List.of("cqt.h512b24", "cqt.h256b36", "cqt.h256b48"),
                    out.stream().map(DiscriminatorOutput::name).toList());
            // 4096 samples → 8192 at 44.1 kHz → ⌊8192/hop⌋ + 1 frames; 9·B bins, then ⌈·/2⌉ three times
            assertEquals("(2, 1, 17, 27) | (2, 16, 17, 216) (2, 16, 17, 108) (2, 16, 17, 54) (2, 16, 17, 27) "
                    + "(2, 16, 17, 27)", TestAudio.shapes(out.get(0)));
            assertEquals("(2, 1, 33, 41) | (2, 16, 33, 324) (2, 16, 33, 162) (2, 16, 33, 81) (2, 16, 33, 41) "
                    + "(2, 16, 33, 41)", TestAudio.shapes(out.get(1)));
            assertEquals("(2, 1, 33, 54) | (2, 16, 33, 432) (2, 16, 33, 216) (2, 16, 33, 108) (2, 16, 33, 54) "
                    + "(2, 16, 33, 54)", TestAudio.shapes(out.get(2)));
        }
    }

    /** Changing one octave of the CQT changes the sub-band output in that octave only: octaves do not mix yet. */
    @Test
    void subBandConvolutionsKeepOctavesApart() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("cqt-subbands", 0);
            MultiScaleSubBandCqtDiscriminator d =
                    new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny());
            d.initialize(m);
            MultiScaleSubBandCqtDiscriminator.CqtDiscriminator scale =
                    (MultiScaleSubBandCqtDiscriminator.CqtDiscriminator) d.getChildren().get(0).getValue();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z = TestAudio.noise(m, 5, 1, 2 * 7 * 216, 1).reshape(1, 2, 7, 216);
            NDArray bump = m.zeros(new Shape(1, 2, 7, 216));
            bump.set(new ai.djl.ndarray.index.NDIndex(":, :, 3, 96:120"), 1f); // octave 4 of 24-bin octaves
            NDArray diff = scale.subBands(ps, z.add(bump), false).sub(scale.subBands(ps, z, false)).abs();
            assertEquals(0f, diff.get(":, :, :, 0:96").max().getFloat());
            assertEquals(0f, diff.get(":, :, :, 120:").max().getFloat());
            assertTrue(diff.get(":, :, :, 96:120").min().getFloat() >= 0
                    && diff.get(":, :, 2:5, 96:120").sum().getFloat() > 0, "the changed octave must respond");
        }
    }

    @Test
    void gradientsAreFiniteAndReachTheWaveformThroughTheCqt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("cqt-grad", 0);
            MultiScaleSubBandCqtDiscriminator d =
                    new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny());
            d.initialize(m);
            double inputGrad = TestAudio.backpropagate(d, m, TestAudio.noise(m, 3, 2, 4096, 0.1));
            assertTrue(inputGrad > 0 && Double.isFinite(inputGrad), "input gradient norm " + inputGrad);
        }
    }

    @Test
    void configRoundTripsThroughJsonAndChecksScales() {
        MultiScaleSubBandCqtDiscriminatorConfig c = MultiScaleSubBandCqtDiscriminatorConfig.bigVgan();
        assertEquals(c, MultiScaleSubBandCqtDiscriminatorConfig.fromJson(c.toJson()));
        assertEquals(MultiScaleSubBandCqtDiscriminatorConfig.tiny(),
                MultiScaleSubBandCqtDiscriminatorConfig.fromJson(new JsonObject()));
        assertThrows(IllegalArgumentException.class, () -> new MultiScaleSubBandCqtDiscriminatorConfig(
                List.of(new CqtScale(300, 24)), 16, List.of(1, 2, 4), 0.1));
    }
}
