package dev.tessera.image.sample;

import java.util.SplittableRandom;

/**
 * How a {@link TokenSampler} turns a sub-token's distribution (after guidance, temperature and filters) into
 * a value. The default draws with the image's generator; the distilled-decoding pair generator (distill
 * module) maps per-token Gaussian noise through a flow instead, so that tokens are a deterministic function of
 * the noise while the model, caches and guidance stay the sampler's.
 */
@FunctionalInterface
public interface SubTokenDraw {

    /** Ancestral sampling: one {@code nextDouble()} of the image's generator per sub-token. */
    SubTokenDraw ANCESTRAL = (image, token, subToken, p, random) -> SubTokenSampler.draw(p, random.nextDouble());

    /**
     * @param image the image's index in the run's specs
     * @param token the 0-based raster position
     * @param subToken 0 = pre (or the flat head's whole token), 1 = post
     * @param probabilities the distribution over the sub-token's values, summing to 1; valid during the call
     * @param random the image's own generator
     * @return the value, in {@code [0, probabilities.length)}
     */
    int draw(int image, int token, int subToken, double[] probabilities, SplittableRandom random);
}
