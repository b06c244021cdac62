package dev.tessera.audio.vocoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiply-accumulates of the convolutions and linear layers a forward pass actually ran, by layer
 * (audio spec 2.4's counting: a Conv1d costs C_in * C_out * k / groups per output position, a
 * sub-pixel convolution the same per low-rate position of its s * C_out outputs). Element-wise work
 * (activations, masks, norms) is not counted. Pass one to a forward pass to fill it; not thread-safe.
 */
public final class MacCounter {

    private final Map<String, Long> byLayer = new LinkedHashMap<>();

    void add(String layer, long macs) {
        byLayer.merge(layer, macs, Long::sum);
    }

    public long total() {
        return byLayer.values().stream().mapToLong(Long::longValue).sum();
    }

    /** MACs per layer kind (e.g. {@code unet.down1}), summed over branches and calls, in first-seen order. */
    public Map<String, Long> byLayer() {
        return Map.copyOf(byLayer);
    }

    /** MACs of the layers whose name starts with {@code prefix}. */
    public long total(String prefix) {
        return byLayer.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
    }
}
