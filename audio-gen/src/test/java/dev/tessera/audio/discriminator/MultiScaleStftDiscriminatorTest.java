package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class MultiScaleStftDiscriminatorTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void parameterCountsOfTinyAndEncodecWidths() {
        // per scale: 2→C (3×9), three C→C (3×9), C→C (3×3), C→1 (3×3), each with a bias and a gain per output
        assertEquals(72_630, new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny()).parameterCount());
        assertEquals(283_494, new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.encodec())
                .parameterCount());
    }

    @Test
    void eachScaleGivesFiveFeatureMapsOverFramesAndHalvedFrequencies() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("stft-shapes", 0);
            MultiScaleStftDiscriminator d = new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny());
            d.initialize(m);
            List<DiscriminatorOutput> out = d.forward(new ParameterStore(m, false), TestAudio.noise(m, 1, 2, 4096, 0.1),
                    false);
            assertEquals(List.of("stft.w1024", "stft.w2048", "stft.w512"),
                    out.stream().map(DiscriminatorOutput::name).toList());
            // frames ⌊(4096 − n_fft)/hop⌋ + 1, bins n_fft/2 + 1 then ⌈·/2⌉ three times
            assertEquals("(2, 1, 13, 65) | (2, 16, 13, 513) (2, 16, 13, 257) (2, 16, 13, 129) (2, 16, 13, 65) "
                    + "(2, 16, 13, 65)", TestAudio.shapes(out.get(0)));
            assertEquals("(2, 1, 5, 129) | (2, 16, 5, 1025) (2, 16, 5, 513) (2, 16, 5, 257) (2, 16, 5, 129) "
                    + "(2, 16, 5, 129)", TestAudio.shapes(out.get(1)));
            assertEquals("(2, 1, 29, 33) | (2, 16, 29, 257) (2, 16, 29, 129) (2, 16, 29, 65) (2, 16, 29, 33) "
                    + "(2, 16, 29, 33)", TestAudio.shapes(out.get(2)));
        }
    }

    @Test
    void gradientsAreFiniteAndReachTheWaveform() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("stft-grad", 0);
            MultiScaleStftDiscriminator d = new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny());
            d.initialize(m);
            double inputGrad = TestAudio.backpropagate(d, m, TestAudio.noise(m, 3, 2, 4096, 0.1));
            assertTrue(inputGrad > 0 && Double.isFinite(inputGrad), "input gradient norm " + inputGrad);
        }
    }

    @Test
    void refusesAudioShorterThanTheLongestWindow() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiScaleStftDiscriminator d = new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny());
            d.initialize(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.forward(new ParameterStore(m, false), TestAudio.noise(m, 1, 1, 2047, 0.1), false));
            assertTrue(e.getMessage().contains("at least 2048 samples"), e.getMessage());
        }
    }

    @Test
    void configRoundTripsThroughJson() {
        MultiScaleStftDiscriminatorConfig c = MultiScaleStftDiscriminatorConfig.encodec();
        assertEquals(c, MultiScaleStftDiscriminatorConfig.fromJson(c.toJson()));
        assertEquals(MultiScaleStftDiscriminatorConfig.tiny(), MultiScaleStftDiscriminatorConfig.fromJson(new JsonObject()));
        assertThrows(IllegalArgumentException.class, () -> MultiScaleStftDiscriminatorConfig.fromJson(
                new JsonObject().put("hops", new io.vertx.core.json.JsonArray().add(256))));
    }
}
