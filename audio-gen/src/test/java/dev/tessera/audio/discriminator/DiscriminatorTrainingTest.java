package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.discriminator.HarmonicTones.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each discriminator, at its tiny size, learns to tell harmonic tones from the same tones with broadband
 * noise at 0 dB SNR: 2 tones (and their corrupted copies) per update, AdamW 3e-3 with β = (0.5, 0.99),
 * then mean D(real) − mean D(fake) > 0.5 on 16 held-out tones. MPD and MS-STFTD train on 2,048-sample
 * clips; MS-SB-CQTD needs 4,096, because on shorter clips the CQT kernels around the fundamentals (up
 * to 170 ms at 200 Hz) are longer than the clip and the partials' leakage hides the noise there.
 * docs/audio-discriminators.md lists the figures, and those of harder corruptions
 * ({@link DiscriminatorSeparationSweep}).
 */
@ExtendWith(TorchThreads.class)
class DiscriminatorTrainingTest {

    private static void assertSeparates(String what, SeparationRun run, java.util.function.Supplier<Discriminator> d) {
        SeparationRun.Result r = run.run(d);
        System.out.println(what + ": " + run.steps() + " steps, " + r);
        assertTrue(r.separation() > 0.5, what + " did not separate real from corrupted tones: " + r);
    }

    @Test
    void multiPeriodDiscriminatorSeparatesTonesFromNoisyTones() {
        assertSeparates("MPD", new SeparationRun(200, 2, 2048, Corruption.BROADBAND_NOISE, 0, 3e-3),
                () -> new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny()));
    }

    @Test
    void multiScaleStftDiscriminatorSeparatesTonesFromNoisyTones() {
        assertSeparates("MS-STFTD", new SeparationRun(100, 2, 2048, Corruption.BROADBAND_NOISE, 0, 3e-3),
                () -> new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny()));
    }

    @Test
    void subBandCqtDiscriminatorSeparatesTonesFromNoisyTones() {
        assertSeparates("MS-SB-CQTD", new SeparationRun(200, 2, 4096, Corruption.BROADBAND_NOISE, 0, 3e-3),
                () -> new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny()));
    }
}
