package dev.tessera.audio.discriminator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@link MultiScaleStftDiscriminator} (audio spec 3, EnCodec's MS-STFTD).
 *
 * @param windows n_fft = window length per scale, samples ([1024, 2048, 512])
 * @param hops hop per scale, samples ([256, 512, 128])
 * @param channels width C of every hidden convolution (EnCodec 32, tiny 16)
 * @param dilations time dilations of the three frequency-strided convolutions ([1, 2, 4])
 * @param slope LeakyReLU negative slope (0.2)
 */
public record MultiScaleStftDiscriminatorConfig(List<Integer> windows, List<Integer> hops, int channels,
        List<Integer> dilations, double slope) {

    public MultiScaleStftDiscriminatorConfig {
        windows = List.copyOf(windows);
        hops = List.copyOf(hops);
        dilations = List.copyOf(dilations);
        if (windows.isEmpty() || windows.size() != hops.size()) {
            throw new IllegalArgumentException("MS-STFTD needs one hop per window, got windows " + windows + " hops "
                    + hops);
        }
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i) < 2 || hops.get(i) < 1 || hops.get(i) > windows.get(i)) {
                throw new IllegalArgumentException("MS-STFTD scale " + i + " needs window >= 2 and 1 <= hop <= window,"
                        + " got window " + windows.get(i) + " hop " + hops.get(i));
            }
        }
        if (channels < 1 || dilations.stream().anyMatch(d -> d < 1) || !(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException("MS-STFTD needs positive channels and dilations and a slope in [0, 1),"
                    + " got channels " + channels + " dilations " + dilations + " slope " + slope);
        }
    }

    /** The spec's CPU size: C = 16 (≈0.96 GMAC per audio second). */
    public static MultiScaleStftDiscriminatorConfig tiny() {
        return new MultiScaleStftDiscriminatorConfig(List.of(1024, 2048, 512), List.of(256, 512, 128), 16,
                List.of(1, 2, 4), 0.2);
    }

    /** EnCodec's width C = 32 (≈3.6 GMAC per audio second). */
    public static MultiScaleStftDiscriminatorConfig encodec() {
        return tiny().withChannels(32);
    }

    public MultiScaleStftDiscriminatorConfig withChannels(int width) {
        return new MultiScaleStftDiscriminatorConfig(windows, hops, width, dilations, slope);
    }

    public JsonObject toJson() {
        return new JsonObject().put("windows", new JsonArray(new ArrayList<>(windows)))
                .put("hops", new JsonArray(new ArrayList<>(hops))).put("channels", channels)
                .put("dilations", new JsonArray(new ArrayList<>(dilations))).put("slope", slope);
    }

    /** Reads a config; absent keys take the {@link #tiny()} values. */
    public static MultiScaleStftDiscriminatorConfig fromJson(JsonObject json) {
        MultiScaleStftDiscriminatorConfig d = tiny();
        return new MultiScaleStftDiscriminatorConfig(MultiPeriodDiscriminatorConfig.ints(json, "windows", d.windows()),
                MultiPeriodDiscriminatorConfig.ints(json, "hops", d.hops()), json.getInteger("channels", d.channels()),
                MultiPeriodDiscriminatorConfig.ints(json, "dilations", d.dilations()),
                json.getDouble("slope", d.slope()));
    }
}
