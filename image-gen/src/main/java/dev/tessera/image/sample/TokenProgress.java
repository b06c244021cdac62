package dev.tessera.image.sample;

/**
 * The state of a run after a token: {@code step} of {@code total} tokens drawn for every image.
 *
 * @param tokens one grid per image of the run, raster order, -1 where no token is drawn yet. The sampler's
 *     own arrays, valid during the callback only: copy what you keep, change nothing
 */
public record TokenProgress(int step, int total, long[][] tokens) {

    /** A copy of image {@code i}'s partial grid. */
    public long[] grid(int i) {
        return tokens[i].clone();
    }
}
