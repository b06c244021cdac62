package dev.tessera.audio.cqt;

import java.util.List;

/**
 * One scale of the multi-scale sub-band CQT discriminator (audio spec 3.1).
 *
 * @param hop frame hop at 2·fs = 44,100 Hz, samples
 * @param binsPerOctave B (9 octaves, 9·B bins)
 */
public record CqtScale(int hop, int binsPerOctave) {

    /** The three scales of MS-SB-CQTD: (512, 24), (256, 36), (256, 48). */
    public static final List<CqtScale> MS_SB_CQTD = List.of(
            new CqtScale(512, 24), new CqtScale(256, 36), new CqtScale(256, 48));

    public ConstantQTransform transform() {
        return new ConstantQTransform(hop, binsPerOctave);
    }
}
