package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapesGeneratorTest {

    @Test
    void sameSeedGivesSameImagesAndClassesAreBalanced() {
        ImageSet a = new ShapesGenerator(32, 7).generate(30);
        ImageSet b = new ShapesGenerator(32, 7).generate(30);
        ImageSet c = new ShapesGenerator(32, 8).generate(30);
        assertArrayEquals(a.pixels(), b.pixels());
        assertFalse(Arrays.equals(a.pixels(), c.pixels()));
        int[] counts = new int[3];
        Arrays.stream(a.labels()).forEach(l -> counts[l]++);
        assertArrayEquals(new int[] {10, 10, 10}, counts);
        assertEquals(ShapesGenerator.CLASSES, a.classNames());
    }

    @Test
    void eachImageIsOnePaletteShapeOnWhite() {
        ImageSet set = new ShapesGenerator(32, 3).generate(24);
        for (int i = 0; i < set.count(); i++) {
            byte[] img = set.image(i);
            // Corners are background.
            for (int p : new int[] {0, 31, 32 * 31, 32 * 32 - 1}) {
                assertEquals(255, img[3 * p] & 0xFF);
                assertEquals(255, img[3 * p + 2] & 0xFF);
            }
            // Interior pixels carry exactly one palette colour; anti-aliased edges lie between it and white.
            int interior = 0;
            int[] colour = null;
            for (int p = 0; p < 32 * 32; p++) {
                for (int[] c : ShapesGenerator.PALETTE) {
                    if ((img[3 * p] & 0xFF) == c[0] && (img[3 * p + 1] & 0xFF) == c[1] && (img[3 * p + 2] & 0xFF) == c[2]) {
                        assertTrue(colour == null || colour == c, "two colours in image " + i);
                        colour = c;
                        interior++;
                    }
                }
            }
            assertTrue(interior >= 20, "image " + i + " has only " + interior + " fully covered pixels");
        }
    }

    @Test
    void circlesCoverTheirAreaWithinAntiAliasingError() {
        // Coverage (1 - brightness) summed over the image is the shape's area in pixels: for a circle
        // of circumradius r it lies between the areas of the smallest and the largest circle drawn.
        ImageSet set = new ShapesGenerator(32, 5).generate(9);
        for (int i = 0; i < set.count(); i += 3) { // class 0: circles
            byte[] img = set.image(i);
            double area = 0;
            double[] c = null;
            for (int p = 0; p < 32 * 32; p++) {
                int r = img[3 * p] & 0xFF;
                int g = img[3 * p + 1] & 0xFF;
                int b = img[3 * p + 2] & 0xFF;
                if (c == null && r + g + b < 600) {
                    for (int[] pc : ShapesGenerator.PALETTE) {
                        if (pc[0] == r && pc[1] == g && pc[2] == b) {
                            c = new double[] {pc[0], pc[1], pc[2]};
                        }
                    }
                }
            }
            assertTrue(c != null);
            int ch = c[0] < 200 ? 0 : (c[1] < 200 ? 1 : 2); // a channel the colour darkens
            for (int p = 0; p < 32 * 32; p++) {
                area += (255 - (img[3 * p + ch] & 0xFF)) / (255 - c[ch]);
            }
            double rMin = 32 * 0.2;
            double rMax = 32 * 0.35;
            assertTrue(area > Math.PI * rMin * rMin - 3 && area < Math.PI * rMax * rMax + 3, "area " + area);
        }
    }
}
