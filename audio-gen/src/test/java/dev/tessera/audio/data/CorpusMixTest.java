package dev.tessera.audio.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Speech and music sampled 1:1 (audio spec 2.6), on two generated corpora told apart by their constant signal. */
class CorpusMixTest {

    private static final int LENGTH = 512;

    /**
     * {@code count} utterances of a constant {@code level}, 2,000-5,000 samples long; peak normalisation maps a
     * positive level to +0.95 and a negative one to -0.95 in every crop.
     */
    private static SpeechCorpus constant(String split, float level, int count) {
        List<SpeechCorpus.Utterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] x = new float[2_000 + 1_000 * i];
            Arrays.fill(x, level);
            out.add(SpeechCorpus.utterance(split + i, split, i, split, x));
        }
        return SpeechCorpus.of(split, out);
    }

    @Test
    void theFirstHalfOfEveryBatchIsSpeechAndTheSecondHalfMusic() {
        CorpusMix mix = new CorpusMix(constant("speech", 0.25f, 3), constant("music", -0.5f, 4));
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 5; step++) {
            float[] batch = mix.randomCrops(random, 8, LENGTH);                              // (8, 512)
            assertEquals(8 * LENGTH, batch.length);
            for (int row = 0; row < 8; row++) {
                float expected = row < 4 ? 0.95f : -0.95f;
                for (int i = 0; i < LENGTH; i++) {
                    assertEquals(expected, batch[row * LENGTH + i], 1e-6, "step " + step + " row " + row + " sample " + i);
                }
            }
        }
    }

    @Test
    void eachHalfIsWhatItsCorpusAloneDrawsFromTheSameGenerator() {
        SpeechCorpus speech = tones("speech", 220, 3);
        SpeechCorpus music = tones("music", 330, 5);
        float[] mixed = new CorpusMix(speech, music).randomCrops(new SplittableRandom(11), 6, LENGTH);
        SplittableRandom alone = new SplittableRandom(11);
        float[] first = speech.randomCrops(alone, 3, LENGTH);
        float[] second = music.randomCrops(alone, 3, LENGTH);
        assertArrayEquals(first, Arrays.copyOfRange(mixed, 0, 3 * LENGTH));
        assertArrayEquals(second, Arrays.copyOfRange(mixed, 3 * LENGTH, 6 * LENGTH));
        assertArrayEquals(mixed, new CorpusMix(speech, music).randomCrops(new SplittableRandom(11), 6, LENGTH),
                "a batch is a function of its generator");
    }

    @Test
    void anOddBatchCannotBeSplitHalfAndHalf() {
        CorpusMix mix = new CorpusMix(constant("speech", 0.25f, 1), constant("music", -0.5f, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mix.randomCrops(new SplittableRandom(1), 7, LENGTH));
        assertTrue(e.getMessage().contains("even") && e.getMessage().contains("got 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CorpusMix(constant("speech", 0.25f, 1), null));
    }

    @Test
    void interleavedValidationClipsAlternateSoTheFirstNAreHalfOfEach() {
        SpeechCorpus v = CorpusMix.interleave(constant("speech", 0.25f, 3), constant("music", -0.5f, 1));
        assertEquals(List.of("speech0", "music0", "speech1", "speech2"), v.utterances().stream()
                .map(SpeechCorpus.Utterance::id).toList());
        SpeechCorpus w = CorpusMix.interleave(constant("speech", 0.25f, 2), constant("music", -0.5f, 2));
        assertEquals(List.of("speech0", "music0", "speech1", "music1"), w.utterances().stream()
                .map(SpeechCorpus.Utterance::id).toList());
    }

    /** Pure tones of distinct lengths, so crops differ in content and start. */
    private static SpeechCorpus tones(String split, double hz, int count) {
        List<SpeechCorpus.Utterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] x = new float[3_000 + 700 * i];
            for (int n = 0; n < x.length; n++) {
                x[n] = (float) (0.4 * Math.sin(2 * Math.PI * hz * (i + 1) * n / SpeechCorpus.SAMPLE_RATE));
            }
            out.add(SpeechCorpus.utterance(split + i, split, i, split, x));
        }
        return SpeechCorpus.of(split, out);
    }
}
