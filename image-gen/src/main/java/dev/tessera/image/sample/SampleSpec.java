package dev.tessera.image.sample;

import java.util.SplittableRandom;

/**
 * One image to sample.
 *
 * @param classId the class in {@code [0, numClasses)}, or {@code numClasses} (the null class) for an
 *     unconditional image, which is never guided
 * @param seed the request's seed
 * @param index the image's index within its request: image i of seed s is the same in any batch
 * @param params how its sub-tokens are drawn
 */
public record SampleSpec(int classId, long seed, int index, SamplingParams params) {

    public SampleSpec {
        if (classId < 0) {
            throw new IllegalArgumentException("class ids are >= 0, got " + classId);
        }
        if (index < 0) {
            throw new IllegalArgumentException("image indices are >= 0, got " + index);
        }
        if (params == null) {
            throw new IllegalArgumentException("sampling params are required");
        }
    }

    /**
     * The image's own generator, a function of (seed, index) only. {@code Seeds.stream} would also mix in
     * the process's root seed, so a server started with another root would draw another image for the same
     * request; this uses the same SplitMix64 mixing (SplittableRandom's) on the pair alone.
     */
    public SplittableRandom random() {
        long h = new SplittableRandom(seed).nextLong();                    // SplitMix64 of the seed
        return new SplittableRandom(new SplittableRandom(h ^ index).nextLong()); // mixed again with the index
    }
}
