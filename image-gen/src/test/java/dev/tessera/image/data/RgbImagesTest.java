package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class RgbImagesTest {

    @Test
    void compositingOnWhiteBlendsByAlpha() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80FF0000); // red, alpha 128/255
        img.setRGB(1, 0, 0x00123456); // fully transparent: its colour must not leak
        float[] rgb = RgbImages.compositeOnWhite(img);
        float a = 128f / 255f;
        assertArrayEquals(new float[] {255f, (1 - a) * 255f, (1 - a) * 255f, 255f, 255f, 255f}, rgb, 1e-4f);
        assertArrayEquals(new byte[] {(byte) 255, 127, 127, (byte) 255, (byte) 255, (byte) 255}, RgbImages.toBytes(rgb));
    }

    @Test
    void areaDownsamplingAveragesEachBlock() {
        // 4x2 image, one channel varying: blocks {0,1,4,5} and {2,3,6,7} of the red values.
        float[] rgb = new float[4 * 2 * 3];
        for (int p = 0; p < 8; p++) {
            rgb[3 * p] = p * 10;
            rgb[3 * p + 1] = 100;
            rgb[3 * p + 2] = 255;
        }
        float[] out = RgbImages.areaDownsample(rgb, 4, 2, 2);
        assertArrayEquals(new float[] {25f, 100f, 255f, 45f, 100f, 255f}, out, 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> RgbImages.areaDownsample(rgb, 4, 2, 3));
    }

    @Test
    void toBytesRoundsHalfUpAndClamps() {
        assertArrayEquals(new byte[] {0, 0, 1, 2, (byte) 255, (byte) 255},
                RgbImages.toBytes(new float[] {-3f, 0.49f, 0.5f, 1.6f, 254.5f, 300f}));
    }
}
