package dev.tessera.audio.discriminator;

import dev.tessera.audio.cqt.CqtScale;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@link MultiScaleSubBandCqtDiscriminator} (audio spec 3.1, MS-SB-CQTD).
 *
 * @param scales the CQT of each sub-discriminator: hop at 44.1 kHz and bins per octave, 9 octaves from
 *     32.70 Hz ({@link CqtScale#MS_SB_CQTD}: (512, 24), (256, 36), (256, 48))
 * @param channels width C of the shared convolution stack (BigVGAN-v2 and Turbo 128, Amphion 32, tiny 16)
 * @param dilations time dilations of the three frequency-strided convolutions ([1, 2, 4])
 * @param slope LeakyReLU negative slope (0.1)
 */
public record MultiScaleSubBandCqtDiscriminatorConfig(List<CqtScale> scales, int channels, List<Integer> dilations,
        double slope) {

    public MultiScaleSubBandCqtDiscriminatorConfig {
        scales = List.copyOf(scales);
        dilations = List.copyOf(dilations);
        if (scales.isEmpty()) {
            throw new IllegalArgumentException("MS-SB-CQTD needs at least one CQT scale");
        }
        if (scales.stream().distinct().count() != scales.size()) {
            throw new IllegalArgumentException("MS-SB-CQTD scales must be distinct, got " + scales);
        }
        if (channels < 1 || dilations.stream().anyMatch(d -> d < 1) || !(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException("MS-SB-CQTD needs positive channels and dilations and a slope in"
                    + " [0, 1), got channels " + channels + " dilations " + dilations + " slope " + slope);
        }
        for (CqtScale s : scales) {
            s.transform(); // rejects a hop that is not a positive multiple of 256, or B < 1
        }
    }

    /** The spec's CPU size: C = 16 (≈1.1 GMAC per audio second). */
    public static MultiScaleSubBandCqtDiscriminatorConfig tiny() {
        return new MultiScaleSubBandCqtDiscriminatorConfig(CqtScale.MS_SB_CQTD, 16, List.of(1, 2, 4), 0.1);
    }

    /** Amphion's width C = 32. */
    public static MultiScaleSubBandCqtDiscriminatorConfig amphion() {
        return tiny().withChannels(32);
    }

    /** BigVGAN-v2's and PeriodWave-Turbo's width C = 128 (≈61 GMAC per audio second). */
    public static MultiScaleSubBandCqtDiscriminatorConfig bigVgan() {
        return tiny().withChannels(128);
    }

    public MultiScaleSubBandCqtDiscriminatorConfig withChannels(int width) {
        return new MultiScaleSubBandCqtDiscriminatorConfig(scales, width, dilations, slope);
    }

    public JsonObject toJson() {
        JsonArray s = new JsonArray();
        for (CqtScale scale : scales) {
            s.add(new JsonObject().put("hop", scale.hop()).put("binsPerOctave", scale.binsPerOctave()));
        }
        return new JsonObject().put("scales", s).put("channels", channels)
                .put("dilations", new JsonArray(new ArrayList<>(dilations))).put("slope", slope);
    }

    /** Reads a config; absent keys take the {@link #tiny()} values. */
    public static MultiScaleSubBandCqtDiscriminatorConfig fromJson(JsonObject json) {
        MultiScaleSubBandCqtDiscriminatorConfig d = tiny();
        List<CqtScale> scales = d.scales();
        JsonArray s = json.getJsonArray("scales");
        if (s != null) {
            scales = new ArrayList<>();
            for (Object o : s) {
                if (!(o instanceof JsonObject j) || j.getInteger("hop") == null || j.getInteger("binsPerOctave") == null) {
                    throw new IllegalArgumentException("each CQT scale must be {\"hop\": H, \"binsPerOctave\": B}, got "
                            + o);
                }
                scales.add(new CqtScale(j.getInteger("hop"), j.getInteger("binsPerOctave")));
            }
        }
        return new MultiScaleSubBandCqtDiscriminatorConfig(scales, json.getInteger("channels", d.channels()),
                MultiPeriodDiscriminatorConfig.ints(json, "dilations", d.dilations()),
                json.getDouble("slope", d.slope()));
    }
}
