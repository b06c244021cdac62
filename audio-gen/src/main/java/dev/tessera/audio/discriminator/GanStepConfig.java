package dev.tessera.audio.discriminator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link GanStep} updates a generator and its discriminator: one AdamW per side, optional clipping,
 * and the weights of L_G = L_adv + λ_fm·L_fm + λ_mel·L_mel.
 *
 * @param generatorLearningRate AdamW rate of the generator (Turbo 2e-5)
 * @param discriminatorLearningRate AdamW rate of the discriminator (Turbo 2e-5)
 * @param beta1 AdamW β₁ of both (Turbo: PyTorch's default 0.9; HiFi-GAN and Amphion 0.8)
 * @param beta2 AdamW β₂ of both (Turbo: 0.999; HiFi-GAN and Amphion 0.99)
 * @param eps AdamW ε (1e-8)
 * @param weightDecay AdamW's decoupled decay, kernels only (PyTorch's default 0.01)
 * @param clipGradNorm global-norm limit of each side's gradients; 0 = off (Turbo: off)
 * @param featureMatchingWeight λ_fm (2)
 * @param melWeight λ_mel (45)
 */
public record GanStepConfig(double generatorLearningRate, double discriminatorLearningRate, double beta1,
        double beta2, double eps, double weightDecay, double clipGradNorm, double featureMatchingWeight,
        double melWeight) {

    public GanStepConfig {
        List<String> errors = new ArrayList<>();
        if (!(generatorLearningRate >= 0) || !(discriminatorLearningRate >= 0) || Double.isInfinite(
                generatorLearningRate) || Double.isInfinite(discriminatorLearningRate)) {
            errors.add("learning rates must be finite and >= 0, got generator " + generatorLearningRate
                    + " discriminator " + discriminatorLearningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            errors.add("need 0 <= beta1, beta2 < 1 and eps > 0, got " + beta1 + ", " + beta2 + ", " + eps);
        }
        if (!(weightDecay >= 0) || !(clipGradNorm >= 0) || !(featureMatchingWeight >= 0) || !(melWeight >= 0)) {
            errors.add("weightDecay, clipGradNorm and the loss weights must be >= 0, got " + weightDecay + ", "
                    + clipGradNorm + ", " + featureMatchingWeight + ", " + melWeight);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("bad GAN step config: " + String.join("; ", errors));
        }
    }

    /** PeriodWave-Turbo (audio spec 4): AdamW at 2e-5 for both, default betas, no clipping; λ_fm 2, λ_mel 45. */
    public static GanStepConfig turbo() {
        return new GanStepConfig(2e-5, 2e-5, 0.9, 0.999, 1e-8, 0.01, 0, 2, 45);
    }

    /** The Amphion / HiFi-GAN recipe: AdamW 2e-4, β = (0.8, 0.99); λ_fm 2, λ_mel 45. */
    public static GanStepConfig hifiGan() {
        return new GanStepConfig(2e-4, 2e-4, 0.8, 0.99, 1e-8, 0.01, 0, 2, 45);
    }

    public GanStepConfig withLearningRates(double generator, double discriminator) {
        return new GanStepConfig(generator, discriminator, beta1, beta2, eps, weightDecay, clipGradNorm,
                featureMatchingWeight, melWeight);
    }

    public JsonObject toJson() {
        return new JsonObject().put("generatorLearningRate", generatorLearningRate)
                .put("discriminatorLearningRate", discriminatorLearningRate).put("beta1", beta1).put("beta2", beta2)
                .put("eps", eps).put("weightDecay", weightDecay).put("clipGradNorm", clipGradNorm)
                .put("featureMatchingWeight", featureMatchingWeight).put("melWeight", melWeight);
    }

    /** Reads a config; absent keys take the {@link #turbo()} values, unknown keys are refused by name. */
    public static GanStepConfig fromJson(JsonObject j) {
        GanStepConfig d = turbo();
        List<String> unknown = j.fieldNames().stream().filter(k -> !d.toJson().containsKey(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad GAN step config: unknown keys " + unknown + "; known keys are "
                    + d.toJson().fieldNames().stream().sorted().toList());
        }
        return new GanStepConfig(j.getDouble("generatorLearningRate", d.generatorLearningRate()),
                j.getDouble("discriminatorLearningRate", d.discriminatorLearningRate()), j.getDouble("beta1", d.beta1()),
                j.getDouble("beta2", d.beta2()), j.getDouble("eps", d.eps()), j.getDouble("weightDecay", d.weightDecay()),
                j.getDouble("clipGradNorm", d.clipGradNorm()),
                j.getDouble("featureMatchingWeight", d.featureMatchingWeight()), j.getDouble("melWeight", d.melWeight()));
    }
}
