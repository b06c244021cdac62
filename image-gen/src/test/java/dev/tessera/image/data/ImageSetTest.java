package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void batchesAreChannelsFirstInMinusOneToOneAndConvertBackExactly() {
        ImageSet set = new ShapesGenerator(16, 1).generate(5);
        int[] pick = {4, 0, 2};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = set.batch(m, pick);
            assertEquals(new Shape(3, 3, 16, 16), x.getShape());
            assertEquals(30 / 127.5f - 1f, x.min().getFloat(), 1e-6f); // darkest palette channel value is 30
            assertEquals(1f, x.max().getFloat(), 0f); // white background
            // Pixel (y=5, x=7) of image 4, green channel.
            float expected = (set.image(4)[3 * (5 * 16 + 7) + 1] & 0xFF) / 127.5f - 1f;
            assertEquals(expected, x.getFloat(0, 1, 5, 7), 1e-6f);
            assertArrayEquals(set.subset(pick).pixels(), ImageSet.toBytes(x));
            assertArrayEquals(new long[] {1, 0, 2}, set.labelBatch(m, pick).toLongArray());

            NDArray augmented = set.batch(m, pick, Augmentation.EMOJI, new SplittableRandom(3));
            assertEquals(x.getShape(), augmented.getShape());
            NDArray again = set.batch(m, pick, Augmentation.EMOJI, new SplittableRandom(3));
            assertArrayEquals(augmented.toFloatArray(), again.toFloatArray(), 0f);
        }
    }
}
