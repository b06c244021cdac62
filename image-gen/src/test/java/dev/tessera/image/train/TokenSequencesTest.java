package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.data.Augmentation;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.lfq.LfqTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenSequencesTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void tokenizingWithFlipsGivesImagesThenTheirFlipsWithTheirClasses() {
        ImageSet images = new ShapesGenerator(32, 3).generate(5);
        LfqTokenizer tokenizer = new LfqTokenizer(LfqTokenizerTrainingTaskTest.tiny(1, 0).tokenizer());
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(2);
            tokenizer.initialize(m);
            TokenSequences s = TokenSequences.tokenize(tokenizer, images, true, m, 2); // batches of 2: 2 + 2 + 1
            assertEquals(10, s.count());
            assertEquals(64, s.length());
            assertEquals(8, s.bits());
            assertArrayEquals(new int[] {0, 1, 2, 0, 1, 0, 1, 2, 0, 1}, s.classes());
            ParameterStore ps = new ParameterStore(m, false);
            int[] all = {0, 1, 2, 3, 4};
            long[] direct = tokenizer.tokenize(ps, images.batch(m, all)).toLongArray();
            long[] flipped = tokenizer.tokenize(ps, images.batch(m, all, new Augmentation(1, 0), new SplittableRandom(9)))
                    .toLongArray();
            assertArrayEquals(direct, Arrays.copyOfRange(s.tokens(), 0, 5 * 64));
            assertArrayEquals(flipped, Arrays.copyOfRange(s.tokens(), 5 * 64, 10 * 64));
            assertEquals(2, s.tokenBatch(m, new int[] {7, 1}).getShape().dimension());
            assertArrayEquals(new long[] {2, 1}, s.classBatch(m, new int[] {7, 1}).toLongArray());
        }
    }

    @Test
    void previewTablesAreTheOverallAndPerPositionModes() {
        // Two sequences of 3 tokens: the overall mode is 5 (three times); per position: 5, (1 vs 2: tie, smaller), 7.
        TokenSequences s = new TokenSequences(4, 3, new long[] {5, 1, 7, 5, 2, 5}, new int[] {0, 1});
        assertEquals(5, s.neutralCode());
        assertArrayEquals(new long[] {5, 1, 5}, s.positionModes());
        assertEquals(1, s.head(1).count());
        assertThrows(IllegalArgumentException.class, () -> new TokenSequences(4, 3, new long[] {16, 0, 0}, new int[] {0}));
    }
}
