package dev.tessera.audio.discriminator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link GanStep} did, as plain numbers.
 *
 * @param discriminator {@code loss} (L_D), {@code gradNorm} (before clipping), {@code score.real} and
 *     {@code score.fake} (mean logits before the update) and every {@code d.real.*}/{@code d.fake.*} term
 * @param generator {@code loss} (L_G), {@code gradNorm}, the unweighted {@code adv}, {@code fm}, {@code mel}
 *     and their per-sub-discriminator or per-scale terms ({@code adv.*}, {@code fm.*}, {@code mel.w*})
 */
public record GanStepResult(Map<String, Double> discriminator, Map<String, Double> generator) {

    public GanStepResult {
        discriminator = Collections.unmodifiableMap(new LinkedHashMap<>(discriminator)); // keeps the report order
        generator = Collections.unmodifiableMap(new LinkedHashMap<>(generator));
    }

    public double discriminatorLoss() {
        return discriminator.get("loss");
    }

    public double generatorLoss() {
        return generator.get("loss");
    }
}
