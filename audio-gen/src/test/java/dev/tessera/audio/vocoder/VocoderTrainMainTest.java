package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The command line of {@link VocoderTrainMain}: the learning-rate schedule flags. */
class VocoderTrainMainTest {

    @Test
    void theRateIsConstantUnlessMinLrAndWarmupAskForACosineTail() {
        VocoderTrainMain.Args plain = VocoderTrainMain.parse(new String[] {"--steps", "3"});
        assertEquals(2e-4, plain.minLr(), 0, "the spec's constant rate: min = peak");
        assertEquals(0, plain.warmup());
        VocoderTrainMain.Args tail = VocoderTrainMain.parse(new String[] {"--steps", "12000", "--min-lr", "2e-5",
            "--warmup", "200"});
        assertEquals(2e-5, tail.minLr(), 0);
        assertEquals(200, tail.warmup());
    }
}
