package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Several discriminators trained as one: their outputs are concatenated in order, and their parameters
 * form one block (child names = {@link Discriminator#prefix()}, e.g. {@code mpd_p2_conv0_v},
 * {@code cqt_h512b24_conv1_g}) so one optimizer updates them all. PeriodWave-Turbo uses MPD plus
 * MS-SB-CQTD ({@link #turbo}).
 */
public final class CombinedDiscriminator extends Discriminator {

    private final List<Discriminator> parts;

    public CombinedDiscriminator(List<Discriminator> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a combined discriminator needs at least one discriminator");
        }
        Set<String> prefixes = new HashSet<>();
        for (Discriminator d : parts) {
            if (!prefixes.add(d.prefix())) {
                throw new IllegalArgumentException("two discriminators share the prefix '" + d.prefix() + "'");
            }
            child(d.prefix(), d);
        }
        this.parts = List.copyOf(parts);
    }

    /** Turbo's pair: the multi-period and the multi-scale sub-band CQT discriminators (8 sub-discriminators). */
    public static CombinedDiscriminator turbo(MultiPeriodDiscriminatorConfig mpd,
            MultiScaleSubBandCqtDiscriminatorConfig cqt) {
        return new CombinedDiscriminator(List.of(new MultiPeriodDiscriminator(mpd),
                new MultiScaleSubBandCqtDiscriminator(cqt)));
    }

    public List<Discriminator> parts() {
        return parts;
    }

    @Override
    public String prefix() {
        return String.join("+", parts.stream().map(Discriminator::prefix).toList());
    }

    @Override
    public int minSamples() {
        return parts.stream().mapToInt(Discriminator::minSamples).max().orElseThrow();
    }

    /** (B, T) audio → the outputs of every part, in order. */
    @Override
    public List<DiscriminatorOutput> forward(ParameterStore ps, NDArray audio, boolean training) {
        checkAudio(audio);
        List<DiscriminatorOutput> out = new ArrayList<>();
        for (Discriminator d : parts) {
            out.addAll(d.forward(ps, audio, training));
        }
        return out;
    }
}
