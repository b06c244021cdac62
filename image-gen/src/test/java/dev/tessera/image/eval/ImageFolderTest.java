package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.RgbImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    static BufferedImage drawn(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(200, 30, 60));
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    @Test
    void foldersOfAnySizeAndModeArePreparedLikeTheEmojiSet(@TempDir Path dir) throws IOException {
        // 64x64 RGBA with translucent pixels: exactly the emoji preparation (composite on white, 2x2 area average).
        BufferedImage rgba = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                rgba.setRGB(x, y, ((x * 4) << 24) | (y * 4 << 16) | (100 << 8) | 200);
            }
        }
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        ImageIO.write(rgba, "png", dir.resolve("a/1.png").toFile());
        ImageIO.write(drawn(48, 48, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("a/2.png").toFile());
        ImageIO.write(drawn(40, 20, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("b/3.png").toFile());
        ImageIO.write(drawn(16, 16, BufferedImage.TYPE_BYTE_INDEXED), "png", dir.resolve("4.png").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");

        ImageSet set = ImageFolder.load(dir, 32, 0);
        assertEquals(4, set.count());
        assertEquals(List.of("images", "a", "b"), set.classNames()); // sorted paths: 4.png, a/1.png, a/2.png, b/3.png
        assertArrayEquals(new int[] {0, 1, 1, 2}, set.labels());
        byte[] expected = RgbImages.toBytes(RgbImages.areaDownsample(RgbImages.compositeOnWhite(rgba), 64, 64, 2));
        assertArrayEquals(expected, set.image(1));
        // The 40x20 image is centred on a white 40x40 square: its top rows are white after resampling.
        byte[] wide = set.image(3);
        for (int i = 0; i < 3 * 32 * 4; i++) {
            assertEquals((byte) 255, wide[i], "pixel value " + i);
        }
        assertEquals(2, ImageFolder.load(dir, 32, 2).count());
        assertThrows(NoSuchFileException.class, () -> ImageFolder.load(dir.resolve("b/none"), 32, 0));
    }

    @Test
    void fractionalBoxWeightsCoverEachOutputPixelOnce() {
        double[][] w = ImageFolder.boxWeights(48, 32); // each output pixel covers 1.5 input pixels
        for (double[] row : w) {
            assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-12);
        }
        assertEquals(2.0 / 3, w[0][0], 1e-12);
        assertEquals(1.0 / 3, w[0][1], 1e-12);
        assertEquals(1.0 / 3, w[1][1], 1e-12);
        assertEquals(2.0 / 3, w[1][2], 1e-12);
        // A constant image stays constant whatever the factor, enlarging included.
        float[] grey = new float[20 * 20 * 3];
        java.util.Arrays.fill(grey, 77f);
        for (float v : ImageFolder.areaResample(grey, 20, 32)) {
            assertEquals(77f, v, 1e-4f);
        }
    }
}
