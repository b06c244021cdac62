package dev.tessera.audio.discriminator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@link MultiPeriodDiscriminator} (audio spec 3, HiFi-GAN's MPD).
 *
 * @param periods one sub-discriminator per period p, samples ([2, 3, 5, 7, 11])
 * @param channels widths of the hidden convolutions: all but the last have stride {@code stride}, the last
 *     stride 1 (HiFi-GAN: 32, 128, 512, 1024, 1024; tiny: 16, 32, 64, 128, 128)
 * @param kernel taps of every hidden convolution along the period-folded time axis (5)
 * @param stride stride of all hidden convolutions but the last (3)
 * @param slope LeakyReLU negative slope (0.1)
 */
public record MultiPeriodDiscriminatorConfig(List<Integer> periods, List<Integer> channels, int kernel, int stride,
        double slope) {

    /** The output convolution's taps (C → 1). */
    public static final int OUTPUT_KERNEL = 3;

    public MultiPeriodDiscriminatorConfig {
        periods = List.copyOf(periods);
        channels = List.copyOf(channels);
        if (periods.isEmpty() || periods.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("MPD needs at least one period >= 1, got " + periods);
        }
        if (periods.stream().distinct().count() != periods.size()) {
            throw new IllegalArgumentException("MPD periods must be distinct, got " + periods);
        }
        if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("MPD needs at least one positive width, got " + channels);
        }
        if (kernel < 1 || kernel % 2 == 0 || stride < 1 || !(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException("MPD needs an odd kernel, a positive stride and a slope in [0, 1), got"
                    + " kernel " + kernel + " stride " + stride + " slope " + slope);
        }
    }

    /** The spec's CPU size: periods 2, 3, 5, 7, 11 at widths 16/32/64/128/128 (≈0.24 GMAC per audio second). */
    public static MultiPeriodDiscriminatorConfig tiny() {
        return new MultiPeriodDiscriminatorConfig(List.of(2, 3, 5, 7, 11), List.of(16, 32, 64, 128, 128), 5, 3, 0.1);
    }

    /** HiFi-GAN's widths 32/128/512/1024/1024 (≈12.3 GMAC per audio second). */
    public static MultiPeriodDiscriminatorConfig hifiGan() {
        return new MultiPeriodDiscriminatorConfig(List.of(2, 3, 5, 7, 11), List.of(32, 128, 512, 1024, 1024), 5, 3,
                0.1);
    }

    /** This config with other widths (same periods, kernel, stride, slope). */
    public MultiPeriodDiscriminatorConfig withChannels(List<Integer> widths) {
        return new MultiPeriodDiscriminatorConfig(periods, widths, kernel, stride, slope);
    }

    public JsonObject toJson() {
        return new JsonObject().put("periods", new JsonArray(new ArrayList<>(periods)))
                .put("channels", new JsonArray(new ArrayList<>(channels))).put("kernel", kernel).put("stride", stride)
                .put("slope", slope);
    }

    /** Reads a config; absent keys take the {@link #tiny()} values. */
    public static MultiPeriodDiscriminatorConfig fromJson(JsonObject json) {
        MultiPeriodDiscriminatorConfig d = tiny();
        return new MultiPeriodDiscriminatorConfig(ints(json, "periods", d.periods()), ints(json, "channels",
                d.channels()), json.getInteger("kernel", d.kernel()), json.getInteger("stride", d.stride()),
                json.getDouble("slope", d.slope()));
    }

    static List<Integer> ints(JsonObject json, String key, List<Integer> fallback) {
        JsonArray a = json.getJsonArray(key);
        if (a == null) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>(a.size());
        for (Object v : a) {
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException(key + " must be a list of integers, got " + a);
            }
            out.add(n.intValue());
        }
        return out;
    }
}
