package dev.tessera.audio.data;

import java.util.SplittableRandom;

/**
 * Where a training step's audio comes from: a {@link SpeechCorpus} on its own, or a {@link CorpusMix} of speech
 * and music (audio spec 2.6). The vocoder's trainer sees only this, so it does not know which it was given.
 */
public interface CropSource {

    /**
     * A batch of random crops, (batch x length) row-major, peak-normalised per utterance. Uses only
     * {@code random}, so a batch is a function of its generator (a resumed run draws the same batches).
     */
    float[] randomCrops(SplittableRandom random, int batch, int length);

    /**
     * Checks that this source can fill batches of {@code batch} crops, so a trainer fails when it is built
     * rather than at its first step. Any batch suits a single corpus.
     *
     * @throws IllegalArgumentException naming the batch when it cannot
     */
    default void requireBatch(int batch) {
    }
}
