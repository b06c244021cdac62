package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class MultiPeriodDiscriminatorTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void parameterCountsOfTinyAndHifiGanWidths() {
        // per period: Σ (out·in·5 + 2·out) over 1→16→32→64→128→128, plus the output 128·3 + 2
        assertEquals(684_410, new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny()).parameterCount());
        assertEquals(41_105_770, new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.hifiGan()).parameterCount());
    }

    @Test
    void eachPeriodGivesFiveHiddenMapsAndTheLogitMapInHifiGanLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("mpd-shapes", 0);
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny());
            d.initialize(m);
            List<DiscriminatorOutput> out = d.forward(new ParameterStore(m, false), TestAudio.noise(m, 1, 2, 4096, 0.1),
                    false);
            assertEquals(List.of("mpd.p2", "mpd.p3", "mpd.p5", "mpd.p7", "mpd.p11"),
                    out.stream().map(DiscriminatorOutput::name).toList());
            // p = 2: 2048 rows → 683 → 228 → 76 → 26 (stride 3, padding 2), then 26, 26
            assertEquals("(2, 1, 26, 2) | (2, 16, 683, 2) (2, 32, 228, 2) (2, 64, 76, 2) (2, 128, 26, 2) "
                    + "(2, 128, 26, 2) (2, 1, 26, 2)", TestAudio.shapes(out.get(0)));
            // p = 11: 4096 reflect-padded by 7 to 4103 = 373·11 → 125 → 42 → 14 → 5
            assertEquals("(2, 1, 5, 11) | (2, 16, 125, 11) (2, 32, 42, 11) (2, 64, 14, 11) (2, 128, 5, 11) "
                    + "(2, 128, 5, 11) (2, 1, 5, 11)", TestAudio.shapes(out.get(4)));
            for (DiscriminatorOutput o : out) {
                assertEquals(6, o.featureMaps().size());
                assertTrue(o.logits() == o.featureMaps().get(5), "the last feature map is the logit map");
            }
        }
    }

    /** Folding the period into the batch and running Conv1d equals HiFi-GAN's (k, 1) Conv2d on the (T/p) × p grid. */
    @Test
    void foldedConv1dEqualsHifiGanConv2dOnThePeriodGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("mpd-fold", 0);
            MultiPeriodDiscriminatorConfig c = new MultiPeriodDiscriminatorConfig(List.of(5), List.of(4, 4), 5, 3, 0.1);
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(c);
            d.initialize(m);
            int t = 1003; // not a multiple of 5: reflect-padded by 2 to 1005 = 201·5
            NDArray x = TestAudio.noise(m, 2, 2, t, 0.3);
            DiscriminatorOutput out = d.forward(new ParameterStore(m, false), x, false).get(0);

            // HiFi-GAN: F.pad(x, (0, 2), "reflect").view(B, 1, T/p, p), Conv2d (5, 1) stride (3, 1) padding (2, 0)
            NDArray padded = x.concat(x.get(":, 1000:1002").flip(1), 1);
            NDArray grid = padded.reshape(2, 1, 201, 5);
            NormConv conv0 = (NormConv) d.getChildren().get(0).getValue().getChildren().get(0).getValue();
            NDArray w = conv0.kernel(new ParameterStore(m, false), x, false).expandDims(3); // (4, 1, 5, 1)
            NDArray b = conv0.getParameters().get("bias").getArray();
            NDArray expected = ai.djl.nn.Activation.leakyRelu(Conv2d.conv2d(grid, w, b, new Shape(3, 1),
                    new Shape(2, 0), new Shape(1, 1)).singletonOrThrow(), 0.1f); // (2, 4, 67, 5)
            NDArray actual = out.featureMaps().get(0);
            assertEquals(expected.getShape(), actual.getShape());
            assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-6f, "folded and 2-D convolutions differ");
        }
    }

    @Test
    void gradientsAreFiniteAndReachTheWaveform() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("mpd-grad", 0);
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny());
            d.initialize(m);
            double inputGrad = TestAudio.backpropagate(d, m, TestAudio.noise(m, 3, 2, 4096, 0.1));
            assertTrue(inputGrad > 0 && Double.isFinite(inputGrad), "input gradient norm " + inputGrad);
        }
    }

    @Test
    void configRoundTripsThroughJsonAndRejectsBadValues() {
        MultiPeriodDiscriminatorConfig c = MultiPeriodDiscriminatorConfig.hifiGan();
        assertEquals(c, MultiPeriodDiscriminatorConfig.fromJson(c.toJson()));
        assertEquals(MultiPeriodDiscriminatorConfig.tiny(), MultiPeriodDiscriminatorConfig.fromJson(new JsonObject()));
        assertThrows(IllegalArgumentException.class,
                () -> new MultiPeriodDiscriminatorConfig(List.of(2, 2), List.of(8), 5, 3, 0.1));
        assertThrows(IllegalArgumentException.class,
                () -> new MultiPeriodDiscriminatorConfig(List.of(2), List.of(8), 4, 3, 0.1));
    }

    @Test
    void rejectsAudioThatIsNotABatchOfWaveforms() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny());
            d.initialize(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.forward(new ParameterStore(m, false), m.zeros(new Shape(2, 1, 100)), false));
            assertTrue(e.getMessage().contains("(B, T) float32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> d.forward(new ParameterStore(m, false), m.zeros(new Shape(1, 11)), false));
            assertTrue(e.getMessage().contains("at least 12 samples"), e.getMessage());
        }
    }
}
