package dev.tessera.audio.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two corpora sampled 1:1, as the vocoder's recipe asks of speech and music (audio spec 2.6): rows
 * [0, batch/2) of every batch are crops of {@code first}, rows [batch/2, batch) crops of {@code second}.
 * Both halves are drawn from the one generator, first then second, so a batch is still a function of it.
 *
 * @param first e.g. the speech corpus's training split
 * @param second e.g. the music corpus's training split ({@code scripts/fetch-data music})
 */
public record CorpusMix(SpeechCorpus first, SpeechCorpus second) implements CropSource {

    public CorpusMix {
        if (first == null || second == null) {
            throw new IllegalArgumentException("a corpus mix needs two corpora");
        }
    }

    /**
     * @throws IllegalArgumentException when {@code batch} is odd: a 1:1 mix needs an even batch
     */
    @Override
    public float[] randomCrops(SplittableRandom random, int batch, int length) {
        requireBatch(batch);
        int half = batch / 2;
        float[] out = new float[batch * length];
        System.arraycopy(first.randomCrops(random, half, length), 0, out, 0, half * length);
        System.arraycopy(second.randomCrops(random, half, length), 0, out, half * length, half * length);
        return out;
    }

    /** A 1:1 mix needs an even batch of at least 2, half from each corpus. */
    @Override
    public void requireBatch(int batch) {
        if (batch < 2 || batch % 2 != 0) {
            throw new IllegalArgumentException("a 1:1 mix of two corpora (e.g. --music) needs an even batch of at least 2, "
                    + "half from each; got " + batch);
        }
    }

    /**
     * The two corpora's utterances alternated, a0, b0, a1, b1, ..., then the rest of the longer one: the first
     * n of them are ceil(n/2) of {@code a} and floor(n/2) of {@code b} while both last, so a trainer that
     * validates on "the first n utterances" validates on both halves of the mix.
     */
    public static SpeechCorpus interleave(SpeechCorpus a, SpeechCorpus b) {
        List<SpeechCorpus.Utterance> out = new ArrayList<>(a.size() + b.size());
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < a.size()) {
                out.add(a.get(i));
            }
            if (i < b.size()) {
                out.add(b.get(i));
            }
        }
        return SpeechCorpus.of(a.split(), out);
    }
}
