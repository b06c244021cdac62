package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiDatasetTest {

    private static void png(Path file, int argbEverywhere, int argbTopLeft2x2) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, x < 2 && y < 2 ? argbTopLeft2x2 : argbEverywhere);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static Path tinyRaw(Path dir) throws IOException {
        Path raw = dir.resolve("emoji").resolve("raw");
        Files.createDirectories(raw.resolve("img"));
        Files.writeString(raw.resolve("emoji.json"), EmojiCatalogTest.EMOJI);
        Files.writeString(raw.resolve("categories.json"), EmojiCatalogTest.CATEGORIES);
        Files.writeString(raw.resolve("VERSION"), "0.0.1\n");
        png(raw.resolve("img/1f600.png"), 0x00000000, 0xFF000000); // transparent, black 2x2 corner
        png(raw.resolve("img/1f44b.png"), 0x80000000, 0x80000000); // half-transparent black
        png(raw.resolve("img/1f44b-1f3fb.png"), 0xFFFF0000, 0xFFFF0000); // opaque red
        return raw;
    }

    @Test
    void preparedImagesAreCompositedOnWhiteAndAreaDownsampled() throws IOException {
        Path raw = tinyRaw(Files.createTempDirectory("emoji"));
        EmojiDataset d = EmojiDataset.prepare(raw);
        assertEquals(3, d.images().count());
        assertEquals("emoji-datasource-google 0.0.1", d.source());
        byte[] grin = d.images().image(0);
        assertArrayEquals(new byte[] {0, 0, 0}, Arrays.copyOf(grin, 3)); // the black 2x2 block is one pixel
        assertEquals(255, grin[3] & 0xFF);
        assertEquals(127, d.images().image(1)[100] & 0xFF); // 255 x (1 - 128/255) = 127
        byte[] red = d.images().image(2);
        assertArrayEquals(new byte[] {(byte) 255, 0, 0}, Arrays.copyOfRange(red, 300, 303));
        assertArrayEquals(new int[] {0, 1, 1}, d.images().labels());
        assertArrayEquals(new int[] {0, 1, 1}, d.subcategories());
    }

    @Test
    void cacheRoundTripsAndIsUsedWithoutTheRawImages(@TempDir Path dir) throws IOException {
        Path raw = tinyRaw(dir);
        Path emojiDir = raw.getParent();
        EmojiDataset first = EmojiDataset.load(emojiDir);
        try (var pngs = Files.list(raw.resolve("img"))) {
            for (Path p : pngs.toList()) {
                Files.delete(p);
            }
        }
        EmojiDataset second = EmojiDataset.load(emojiDir);
        assertArrayEquals(first.images().pixels(), second.images().pixels());
        assertArrayEquals(first.images().labels(), second.images().labels());
        assertArrayEquals(first.subcategories(), second.subcategories());
        assertArrayEquals(first.heldOut(), second.heldOut());
        assertEquals(first.entries(), second.entries());
        assertEquals(first.categoryNames(), second.categoryNames());
        assertEquals(first.subcategoryNames(), second.subcategoryNames());
    }

    @Test
    void missingDataNamesTheFetchCommand(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> EmojiDataset.load(dir.resolve("emoji")));
        assertEquals(true, e.getReason().contains("scripts/fetch-data emoji"));
    }

    /** Runs only where `scripts/fetch-data emoji` has been run in this checkout. */
    @Test
    void fetchedSetHasTheSpecsCountsAndSplit() throws IOException {
        Path emojiDir = Path.of("..", "data", "emoji").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(emojiDir.resolve("raw/VERSION")) || Files.isRegularFile(emojiDir.resolve(EmojiDataset.TENSORS_FILE)),
                "no emoji data in " + emojiDir);
        EmojiDataset d = EmojiDataset.load(emojiDir);
        assertEquals(3786, d.images().count());
        assertEquals(10, d.categoryNames().size());
        assertEquals(379, d.heldOutIndices().length);
        assertEquals(3407, d.trainIndices().length);
        int[][] counts = d.countsByCategory();
        for (int[] c : counts) {
            assertEquals(Math.round(0.1 * (c[0] + c[1])), c[1]);
        }
    }
}
