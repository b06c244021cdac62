package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageEvalTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    static LfqTokenizerConfig tinyTokenizer() {
        return new LfqTokenizerConfig(32, 8, List.of(1, 2, 2), 1, 4, true, false, 1, LookupFreeQuantizerConfig.defaults(8));
    }

    /** Writes images as 32x32 RGB PNGs. */
    static void writePngs(ImageSet set, Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        for (int i = 0; i < set.count(); i++) {
            byte[] px = set.image(i);
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 32 * 32; p++) {
                img.setRGB(p % 32, p / 32, (px[3 * p] & 0xFF) << 16 | (px[3 * p + 1] & 0xFF) << 8 | px[3 * p + 2] & 0xFF);
            }
            ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
    }

    @Test
    void evalOfAPngFolderMatchesTheLibraryAndPrintsTheFdTable(@TempDir Path dir) throws IOException {
        ImageSet shapes = new ShapesGenerator(32, 4).generate(12);
        writePngs(shapes, dir.resolve("pngs"));
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(5);
            LfqTokenizer tokenizer = new LfqTokenizer(tinyTokenizer());
            tokenizer.initialize(m);
            tokenizer.save(dir.resolve("tok"), TokenizerEvaluation.DEFAULT_NAME, Map.of());
            EmojiClassifier classifier = new EmojiClassifier(new EmojiClassifierConfig(32, List.of(8, 16, 16, 16), 4, 16,
                    3, 0));
            classifier.initialize(m);
            classifier.save(dir.resolve("cls"), Map.of());

            ByteArrayOutputStream text = new ByteArrayOutputStream();
            JsonObject r = ImageEval.run(new ImageEval.Options(dir.resolve("pngs"), dir.resolve("tok"),
                    TokenizerEvaluation.DEFAULT_NAME, dir.resolve("cls"), "heldout", 0, 5, 1),
                    new PrintStream(text, true, StandardCharsets.UTF_8));
            String printed = text.toString(StandardCharsets.UTF_8);
            System.out.println(printed);
            assertEquals(12, r.getInteger("images"));
            // PNGs of 32 px round-trip exactly, so the folder scores as the images themselves (other batch
            // sizes change the float kernels' summation order, hence the tolerance).
            TokenizerReport direct = TokenizerEvaluation.evaluate(tokenizer, shapes, m, 7);
            JsonObject rec = r.getJsonObject("reconstruction");
            assertEquals(direct.psnr(), rec.getDouble("psnr"), 1e-6);
            assertEquals(direct.ssim(), rec.getDouble("ssim"), 1e-6);
            assertEquals(direct.codebook().distinct(), rec.getJsonObject("codebook").getInteger("distinct"));
            JsonObject fd = r.getJsonObject("fdEmoji");
            assertEquals(12, fd.getInteger("n"));
            assertEquals(FileHashes.shortSha256(dir.resolve("cls/emoji-classifier.safetensors")), fd.getString("classifierSha256"));
            assertTrue(fd.getDouble("reference") >= 0 && fd.getDouble("ceiling") >= 0);
            assertTrue(printed.contains("PSNR") && printed.contains("FD-emoji (classifier " + fd.getString("classifierSha256")));
        }
    }

    @Test
    void zeroInitializedHeadsScoreExactlyKBitsPerToken() {
        ArTrunkConfig trunk = new ArTrunkConfig(32, 4, 1, 64, 4, 64, 0.1f, 0.1f, 0.02f, 1e-5f);
        FactorizedArTransformer model = new FactorizedArTransformer(new FactorizedArConfig(8, 3, 1, trunk));
        SplittableRandom r = new SplittableRandom(1);
        long[] tokens = new long[5 * 64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i < 64 ? 7 : r.nextInt(256);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
            BitsPerToken b = BitsPerToken.evaluate(model, tokens, new int[] {0, 1, 2, 3, 4}, 64, m, 2);
            assertEquals(8.0, b.bitsPerToken(), 1e-5);
            assertEquals(8, b.bits());
            assertEquals(320, b.tokens());
            assertEquals(CodebookStatistics.of(tokens, 8).entropyBits(), b.unigramEntropyBits(), 0);
            assertTrue(b.unigramEntropyBits() < 8);
        }
    }
}
