package dev.tessera.image.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.serve.TinyImageModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Grids to pictures: decoding, preview fills, PNG round trips and contact sheets. */
class TokenDecoderTest {

    private static NDManager manager;
    private static LfqTokenizer tokenizer;

    @BeforeAll
    static void tokenizer() {
        Engines.start();
        manager = NDManager.newBaseManager();
        tokenizer = TinyImageModels.tokenizer(manager, 4);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static long[] randomGrid(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] g = new long[64];
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextInt(1 << TinyImageModels.BITS);
        }
        return g;
    }

    @Test
    void decodedImagesArePixelForPixelTheTokenizersOwnAndSurviveThePngRoundTrip() throws IOException {
        TokenDecoder decoder = new TokenDecoder(tokenizer, PreviewFill.neutral(0));
        List<long[]> grids = List.of(randomGrid(1), randomGrid(2));
        List<RgbImage> images = decoder.decode(manager, grids);
        assertEquals(2, images.size());
        byte[] reference;
        try (NDManager m = manager.newSubManager()) {
            reference = ImageSet.toBytes(tokenizer.detokenize(new ParameterStore(m, false),
                    m.create(new long[][] {grids.get(0), grids.get(1)})));
        }
        for (int i = 0; i < 2; i++) {
            RgbImage im = images.get(i);
            assertEquals(32, im.width());
            assertEquals(32, im.height());
            assertArrayEquals(Arrays.copyOfRange(reference, i * 32 * 32 * 3, (i + 1) * 32 * 32 * 3), im.pixels());
            byte[] png = im.toPng();
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            assertArrayEquals(im.pixels(), RgbImage.readPng(png).pixels(), "PNG is lossless");
        }
        assertNotEquals(images.get(0), images.get(1));
    }

    @Test
    void previewsFillPendingPositionsWithTheNeutralCodeOrThePositionModes() {
        long[] partial = randomGrid(3);
        Arrays.fill(partial, 20, 64, -1);
        long[] neutral = PreviewFill.neutral(17).fill(partial);
        long[] modes = new long[64];
        Arrays.setAll(modes, i -> i * 3);
        long[] byMode = new PreviewFill(PreviewFill.Kind.POSITION_MODES, 17, modes).fill(partial);
        for (int i = 0; i < 64; i++) {
            assertEquals(i < 20 ? partial[i] : 17, neutral[i]);
            assertEquals(i < 20 ? partial[i] : i * 3, byMode[i]);
        }
        assertEquals(-1, partial[63], "the partial grid is not changed");
        TokenDecoder decoder = new TokenDecoder(tokenizer, PreviewFill.neutral(17));
        assertArrayEquals(decoder.decode(manager, List.of(neutral)).get(0).pixels(),
                decoder.preview(manager, List.of(partial)).get(0).pixels());
    }

    @Test
    void theFillIsReadFromTheModelConfigAndCheckedAgainstIt() {
        assertEquals(PreviewFill.neutral(5), PreviewFill.fromJson(null, 5, 64, 8));
        assertEquals(PreviewFill.neutral(9), PreviewFill.fromJson(new JsonObject().put("neutralCode", 9), 5, 64, 8));
        JsonArray modes = new JsonArray();
        for (int i = 0; i < 64; i++) {
            modes.add(i);
        }
        PreviewFill f = PreviewFill.fromJson(new JsonObject().put("positionModes", modes), 5, 64, 8);
        assertEquals(PreviewFill.Kind.POSITION_MODES, f.kind());
        assertEquals(PreviewFill.Kind.NEUTRAL,
                PreviewFill.fromJson(new JsonObject().put("positionModes", modes).put("fill", "neutral"), 5, 64, 8).kind());
        assertThrows(IllegalArgumentException.class, () -> PreviewFill.fromJson(new JsonObject().put("neutralCode", 256), 5, 64, 8));
        assertThrows(IllegalArgumentException.class,
                () -> PreviewFill.fromJson(new JsonObject().put("positionModes", new JsonArray().add(1)), 5, 64, 8));
    }

    @Test
    void theBlankCodeIsTheMostFrequentTokenOfAWhiteImage() {
        long code = TokenDecoder.blankCode(tokenizer, manager);
        long[] tokens;
        try (NDManager m = manager.newSubManager()) {
            tokens = tokenizer.tokenize(new ParameterStore(m, false), m.ones(new Shape(1, 3, 32, 32)))
                    .toLongArray();
        }
        long count = Arrays.stream(tokens).filter(t -> t == code).count();
        for (long t : tokens) {
            assertTrue(Arrays.stream(tokens).filter(u -> u == t).count() <= count);
        }
    }

    @Test
    void aContactSheetLaysImagesOutInRowsWithGaps() {
        RgbImage red = solid(0xFF0000);
        RgbImage blue = solid(0x0000FF);
        RgbImage sheet = RgbImage.sheet(List.of(red, blue, red), 2, 2);
        assertEquals(2 * 32 + 3 * 2, sheet.width());
        assertEquals(2 * 32 + 3 * 2, sheet.height());
        assertEquals(0xFF0000, sheet.rgb(2, 2));
        assertEquals(0x0000FF, sheet.rgb(2 + 32 + 2, 2));
        assertEquals(0xFF0000, sheet.rgb(2, 2 + 32 + 2));
        assertEquals(0xD0D0D0, sheet.rgb(0, 0));
        assertEquals(0xD0D0D0, sheet.rgb(2 + 32 + 2 + 5, 2 + 32 + 2 + 5), "an empty cell is background");
    }

    private static RgbImage solid(int rgb) {
        byte[] p = new byte[32 * 32 * 3];
        for (int i = 0; i < p.length; i += 3) {
            p[i] = (byte) (rgb >> 16);
            p[i + 1] = (byte) (rgb >> 8);
            p[i + 2] = (byte) rgb;
        }
        return new RgbImage(32, 32, p);
    }
}
