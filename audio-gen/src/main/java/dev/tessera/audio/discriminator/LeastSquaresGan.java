package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import dev.tessera.core.train.StepLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least-squares GAN losses (Mao et al.; HiFi-GAN, audio spec 4) summed over sub-discriminators k:
 * <pre>
 *   L_D   = Σ_k mean((D_k(x) − 1)²) + mean(D_k(x̂)²)
 *   L_adv = Σ_k mean((D_k(x̂) − 1)²)
 * </pre>
 * x is real audio, x̂ generated. Means are over every element of a logit map.
 */
public final class LeastSquaresGan {

    private LeastSquaresGan() {
    }

    /**
     * L_D, with terms {@code d.real.<k>} = mean((D_k(x) − 1)²) and {@code d.fake.<k>} = mean(D_k(x̂)²). Pass
     * the outputs for a detached x̂ so that nothing reaches the generator.
     */
    public static StepLoss discriminatorLoss(List<DiscriminatorOutput> real, List<DiscriminatorOutput> fake) {
        checkPaired(real, fake);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        for (int k = 0; k < real.size(); k++) {
            NDArray r = real.get(k).logits().sub(1f).square().mean();
            NDArray f = fake.get(k).logits().square().mean();
            terms.put("d.real." + real.get(k).name(), r);
            terms.put("d.fake." + fake.get(k).name(), f);
            NDArray both = r.add(f);
            total = total == null ? both : total.add(both);
        }
        return new StepLoss(total, terms);
    }

    /** L_adv, with terms {@code adv.<k>} = mean((D_k(x̂) − 1)²). */
    public static StepLoss generatorLoss(List<DiscriminatorOutput> fake) {
        if (fake.isEmpty()) {
            throw new IllegalArgumentException("no discriminator outputs");
        }
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        for (DiscriminatorOutput o : fake) {
            NDArray a = o.logits().sub(1f).square().mean();
            terms.put("adv." + o.name(), a);
            total = total == null ? a : total.add(a);
        }
        return new StepLoss(total, terms);
    }

    /**
     * The mean logit, averaged over sub-discriminators: where LSGAN puts real audio (towards 1) and
     * generated audio (towards 0). The difference of this for real and for generated audio is how well a
     * discriminator separates them.
     */
    public static double meanLogit(List<DiscriminatorOutput> outputs) {
        double sum = 0;
        for (DiscriminatorOutput o : outputs) {
            try (NDArray m = o.logits().mean()) {
                sum += m.getFloat();
            }
        }
        return sum / outputs.size();
    }

    /** Real and generated outputs must come from the same discriminators in the same order. */
    static void checkPaired(List<DiscriminatorOutput> real, List<DiscriminatorOutput> fake) {
        if (real.isEmpty() || real.size() != fake.size()) {
            throw new IllegalArgumentException("expected the same non-empty list of sub-discriminators for real and"
                    + " generated audio, got " + real.size() + " and " + fake.size());
        }
        for (int k = 0; k < real.size(); k++) {
            if (!real.get(k).name().equals(fake.get(k).name())) {
                throw new IllegalArgumentException("sub-discriminator " + k + " is " + real.get(k).name()
                        + " for real audio but " + fake.get(k).name() + " for generated audio");
            }
        }
    }
}
