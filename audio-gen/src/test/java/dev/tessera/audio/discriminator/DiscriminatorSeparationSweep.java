package dev.tessera.audio.discriminator;

import dev.tessera.audio.discriminator.HarmonicTones.Corruption;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The separation table of docs/audio-discriminators.md: each tiny discriminator against each corruption,
 * printed as Markdown. A measurement, not a test (several minutes); it runs only when asked:
 * <pre>
 * mvn -B -q -pl audio-gen -am test -Dtest=DiscriminatorSeparationSweep -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtessera.sweep=true
 * </pre>
 * and prints to audio-gen/target/surefire-reports/dev.tessera.audio.discriminator.DiscriminatorSeparationSweep-output.txt.
 */
@ExtendWith(TorchThreads.class)
@EnabledIfSystemProperty(named = "tessera.sweep", matches = "true")
class DiscriminatorSeparationSweep {

    private record Case(String label, Corruption corruption, double snrDb) {
    }

    @Test
    void separationOfEachDiscriminatorAgainstEachCorruption() {
        int steps = Integer.getInteger("tessera.sweep.steps", 200);
        int samples = Integer.getInteger("tessera.sweep.samples", 4096);
        List<Case> cases = List.of(new Case("noise 0 dB", Corruption.BROADBAND_NOISE, 0),
                new Case("noise 10 dB", Corruption.BROADBAND_NOISE, 10),
                new Case("noise 20 dB", Corruption.BROADBAND_NOISE, 20),
                new Case("phase noise", Corruption.PHASE_NOISE, 0),
                new Case("pitch jitter", Corruption.PITCH_JITTER, 0));
        List<Supplier<Discriminator>> ds = List.of(
                () -> new MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig.tiny()),
                () -> new MultiScaleStftDiscriminator(MultiScaleStftDiscriminatorConfig.tiny()),
                () -> new MultiScaleSubBandCqtDiscriminator(MultiScaleSubBandCqtDiscriminatorConfig.tiny()));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%d steps, 2 clips of %d samples per step, 16 held-out clips; D(real) / D(fake) / separation%n%n"
                + "| corruption | MPD | MS-STFTD | MS-SB-CQTD |%n|---|---|---|---|%n", steps, samples));
        for (Case c : cases) {
            table.append("| ").append(c.label()).append(" |");
            for (Supplier<Discriminator> d : ds) {
                SeparationRun.Result r = new SeparationRun(steps, 2, samples, c.corruption(), c.snrDb(), 3e-3).run(d);
                table.append(String.format(Locale.ROOT, " %.2f / %.2f / **%.2f** (%.0f s) |", r.realScore(),
                        r.fakeScore(), r.separation(), r.seconds()));
                System.out.println(c.label() + " " + r);
            }
            table.append('\n');
        }
        System.out.println(table);
    }
}
