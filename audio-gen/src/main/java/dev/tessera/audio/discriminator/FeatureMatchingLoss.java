package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import dev.tessera.core.train.StepLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature matching (HiFi-GAN; audio spec 4): L_fm = Σ_k Σ_l mean|f_kl(x) − f_kl(x̂)| over the feature maps l
 * of every sub-discriminator k. Its weight (2 in Turbo) is applied by the caller; HiFi-GAN's code folds a
 * factor 2 in here instead.
 *
 * <p>The real features are cut from the graph ({@code stopGradient}) here, so the loss trains the generator
 * only through x̂, whatever the caller passes.
 */
public final class FeatureMatchingLoss {

    private FeatureMatchingLoss() {
    }

    /** L_fm, with terms {@code fm.<k>} = Σ_l mean|f_kl(x) − f_kl(x̂)|. */
    public static StepLoss loss(List<DiscriminatorOutput> real, List<DiscriminatorOutput> fake) {
        LeastSquaresGan.checkPaired(real, fake);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        for (int k = 0; k < real.size(); k++) {
            List<NDArray> fr = real.get(k).featureMaps();
            List<NDArray> ff = fake.get(k).featureMaps();
            if (fr.size() != ff.size()) {
                throw new IllegalArgumentException(real.get(k).name() + " gave " + fr.size() + " feature maps for real"
                        + " audio and " + ff.size() + " for generated audio");
            }
            NDArray sum = null;
            for (int l = 0; l < fr.size(); l++) {
                NDArray d = fr.get(l).stopGradient().sub(ff.get(l)).abs().mean();
                sum = sum == null ? d : sum.add(d);
            }
            if (sum == null) {
                continue;
            }
            terms.put("fm." + real.get(k).name(), sum);
            total = total == null ? sum : total.add(sum);
        }
        if (total == null) {
            throw new IllegalArgumentException("the discriminators returned no feature maps");
        }
        return new StepLoss(total, terms);
    }
}
