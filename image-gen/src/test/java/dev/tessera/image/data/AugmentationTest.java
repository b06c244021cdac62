package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    /** A 4x4 image whose pixel (x, y) has red = 10 y + x, green = 1, blue = 2. */
    private static byte[] ramp() {
        byte[] img = new byte[4 * 4 * 3];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int p = 3 * (4 * y + x);
                img[p] = (byte) (10 * y + x);
                img[p + 1] = 1;
                img[p + 2] = 2;
            }
        }
        return img;
    }

    private static int red(byte[] img, int x, int y) {
        return img[3 * (4 * y + x)] & 0xFF;
    }

    @Test
    void flipMirrorsColumnsExactly() {
        byte[] out = Augmentation.apply(ramp(), 4, true, 0, 0, new byte[48]);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(10 * y + (3 - x), red(out, x, y));
            }
        }
    }

    @Test
    void shiftMovesPixelsAndFillsWithWhite() {
        byte[] out = Augmentation.apply(ramp(), 4, false, 2, -1, new byte[48]);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int sx = x - 2;
                int sy = y + 1;
                boolean uncovered = sx < 0 || sy > 3;
                assertEquals(uncovered ? 255 : 10 * sy + sx, red(out, x, y), "pixel " + x + "," + y);
                assertEquals(uncovered ? 255 : 1, out[3 * (4 * y + x) + 1] & 0xFF);
            }
        }
    }

    @Test
    void flipThenShiftComposeAsOneAffineMap() {
        byte[] out = Augmentation.apply(ramp(), 4, true, 1, 1, new byte[48]);
        assertEquals(255, red(out, 0, 0));
        assertEquals(10 * 0 + 3, red(out, 1, 1)); // source (3, 0) mirrored to (0, 0), shifted to (1, 1)
        assertEquals(10 * 2 + 1, red(out, 3, 3)); // source (1, 2) -> mirrored (2, 2) -> (3, 3)
    }

    @Test
    void drawsAreReproducibleAndCoverExactlyTheSpecsFlipsAndShifts() {
        // White 8x8 with a red pixel at (3, 3) and a green one right of it: after a flip green is on the left.
        byte[] img = new byte[8 * 8 * 3];
        java.util.Arrays.fill(img, (byte) 255);
        int red = 3 * (8 * 3 + 3);
        img[red + 1] = 0;
        img[red + 2] = 0;
        int green = 3 * (8 * 3 + 4);
        img[green] = 0;
        img[green + 2] = 0;

        byte[] a = Augmentation.EMOJI.apply(img, 8, new SplittableRandom(5), new byte[img.length]).clone();
        byte[] b = Augmentation.EMOJI.apply(img, 8, new SplittableRandom(5), new byte[img.length]);
        assertArrayEquals(a, b);

        SplittableRandom random = new SplittableRandom(11);
        int[][] seen = new int[2][25]; // [flip][(dx + 2) * 5 + (dy + 2)]
        byte[] out = new byte[img.length];
        for (int i = 0; i < 5000; i++) {
            Augmentation.EMOJI.apply(img, 8, random, out);
            int rx = -1;
            int ry = -1;
            int gx = -1;
            for (int p = 0; p < 64; p++) {
                if ((out[3 * p] & 0xFF) == 255 && out[3 * p + 1] == 0) {
                    rx = p % 8;
                    ry = p / 8;
                }
                if (out[3 * p] == 0 && (out[3 * p + 1] & 0xFF) == 255) {
                    gx = p % 8;
                }
            }
            boolean flip = gx < rx;
            int dx = rx - (flip ? 4 : 3); // a flip maps column 3 to column 4 of 8
            int dy = ry - 3;
            assertTrue(Math.abs(dx) <= 2 && Math.abs(dy) <= 2, "shift " + dx + "," + dy);
            seen[flip ? 1 : 0][(dx + 2) * 5 + (dy + 2)]++;
        }
        int flips = 0;
        for (int k = 0; k < 25; k++) {
            assertTrue(seen[0][k] > 50 && seen[1][k] > 50, "combination " + k + " too rare");
            flips += seen[1][k];
        }
        assertTrue(flips > 2350 && flips < 2650, "flips " + flips + " of 5000");
        assertArrayEquals(img, Augmentation.NONE.apply(img, 8, new SplittableRandom(1), new byte[img.length]));
    }
}
