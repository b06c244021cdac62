package dev.tessera.web.cli;

import static dev.tessera.web.cli.TesseraCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.engine.Engines;
import dev.tessera.distill.dd.DdImageGenerator;
import dev.tessera.distill.dd.DdModels;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.cli.TesseraCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera generate image} in-process on tiny random checkpoints in a temp models folder. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerateCommandTest {

    @TempDir
    static Path models;

    @TempDir
    Path work;

    @BeforeAll
    static void installTinyModels() throws IOException {
        Engines.start(); // before the first tensor, so that the engine's thread settings take effect
        TinyImageModels.write(models, 3, false);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            DdModels.writeUntrainedStudent(models.resolve(DdImageGenerator.DIR), TinyImageModels.factorized(m, 4),
                    TinyImageModels.CLASS_NAMES);
        }
    }

    @Test
    void theDistilledStudentMakesAllImagesInOneOrTwoPasses() throws IOException {
        Path out = work.resolve("dd");
        Run r = generate(out, "--model", "image-dd", "--steps", "2", "--n", "3", "--seed", "5", "--class", "star");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("image-dd, 2 step(s), class 3, seed 5: 3 image(s)"), r.out());
        for (int i = 0; i < 3; i++) {
            assertEquals(32, RgbImage.readPng(Files.readAllBytes(out.resolve("image-5-" + i + ".png"))).width());
        }
        Run again = generate(work.resolve("dd1"), "--model", "image-dd", "--n", "1", "--seed", "5", "--class", "3");
        assertEquals(0, again.exitCode(), again.err());
        Run bad = generate(work.resolve("dd2"), "--model", "image-dd", "--steps", "3");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--steps must be 1 or 2"), bad.err());
        Run unknown = generate(work.resolve("dd3"), "--model", "image-xl");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--model must be image-ar or image-dd"), unknown.err());
    }

    private Run generate(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "image", "--models", models.toString(),
                "--out", out.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void writesOnePngPerImageAndAContactSheetReproducibleBySeed() throws IOException {
        Path out = work.resolve("a");
        Run r = generate(out, "--n", "3", "--seed", "5", "--class", "star");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("3 image(s), class 3 (star), seed 5"), r.out());
        for (int i = 0; i < 3; i++) {
            Path file = out.resolve("image-5-" + i + ".png");
            RgbImage image = RgbImage.readPng(Files.readAllBytes(file));
            assertEquals(32, image.width());
            assertEquals(32, image.height());
            assertTrue(r.err().contains("image " + (i + 1) + "/3: 64 tokens"), r.err());
        }
        RgbImage sheet = RgbImage.readPng(Files.readAllBytes(out.resolve("sheet-5.png")));
        assertEquals(2 * 32 + 3 * 2, sheet.width(), "3 images in rows of 2");
        assertEquals(2 * 32 + 3 * 2, sheet.height());
        RgbImage second = RgbImage.readPng(Files.readAllBytes(out.resolve("image-5-1.png")));
        assertEquals(second.rgb(7, 9), sheet.rgb(2 + 32 + 2 + 7, 2 + 9), "image 1 sits second in the first row");

        // The same seed gives the same files, image by image, whatever --n.
        Path again = work.resolve("b");
        assertEquals(0, generate(again, "--n", "1", "--seed", "5", "--class", "3").exitCode());
        assertArrayEquals(Files.readAllBytes(out.resolve("image-5-0.png")), Files.readAllBytes(again.resolve("image-5-0.png")));
        Path other = work.resolve("c");
        assertEquals(0, generate(other, "--n", "1", "--seed", "6", "--class", "3").exitCode());
        assertFalse(Arrays.equals(Files.readAllBytes(out.resolve("image-5-0.png")),
                Files.readAllBytes(other.resolve("image-6-0.png"))));
    }

    @Test
    void withoutSeedOrClassItDrawsASeedAndSaysWhichAndDrawsUnconditionally() throws IOException {
        Path out = work.resolve("d");
        Run r = generate(out, "--n", "1", "--top-k", "3", "--temperature", "0.8");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("unconditional, seed "), r.out());
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "one image and the sheet");
        }
    }

    @Test
    void missingModelsAreAFailureThatSaysHowToGetThem() {
        Path empty = work.resolve("no-models");
        Run r = run("generate", "image", "--models", empty.toString(), "--out", work.resolve("e").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("image models are not installed"), r.err());
        assertTrue(r.err().contains("tessera train image-tokenizer") && r.err().contains("tessera train image-ar"), r.err());
        assertTrue(r.err().contains(empty.resolve("image-ar").resolve("image-ar.safetensors").toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
        assertFalse(Files.exists(work.resolve("e")), "nothing written");
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheFlag() {
        Run topP = generate(work.resolve("f"), "--top-p", "1.5");
        assertEquals(2, topP.exitCode());
        assertTrue(topP.err().contains("--top-p must be in (0, 1]"), topP.err());
        Run temperature = generate(work.resolve("f"), "--temperature", "0");
        assertEquals(2, temperature.exitCode());
        assertTrue(temperature.err().contains("--temperature") && temperature.err().contains("--top-k 1"), temperature.err());
        assertEquals(2, generate(work.resolve("f"), "--n", "0").exitCode());
        Run cls = generate(work.resolve("f"), "--class", "dragon");
        assertEquals(2, cls.exitCode());
        assertTrue(cls.err().contains("circle, square, triangle, star"), cls.err());
        assertEquals(2, run("generate").exitCode(), "a kind is required");
    }

    @Test
    void helpShowsEveryFlagAndAnExample() {
        Run r = run("generate", "image", "--help");
        assertEquals(0, r.exitCode());
        for (String flag : List.of("--class", "--n", "--seed", "--out", "--temperature", "--top-k", "--top-p", "--cfg",
                "--cfg-interval", "--models")) {
            assertTrue(r.out().contains(flag), flag + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(run("--help").out().lines().anyMatch(l -> l.strip().startsWith("generate ")));
    }

    @Test
    void perCategoryWritesOneLabelledRowPerClassToTheContactSheet() throws IOException {
        Path sheet = work.resolve("docs/sheet.png");
        Run r = generate(work.resolve("c"), "--per-category", "2", "--seed", "4", "--contact-sheet", sheet.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("2 image(s) of each of 4 classes, seed 4"), r.out());
        RgbImage image = RgbImage.readPng(Files.readAllBytes(sheet));
        // 4 rows of 64 px images (32 px scaled 2x) with 4 px gaps: 4 * (64 + 4) + 4 = 276 pixels high.
        assertEquals(276, image.height());
        assertTrue(image.width() > 2 * (64 + 4), "a label column before two images");
        assertTrue(Files.exists(work.resolve("c/class3-4-1.png")));
        int dark = 0;                                                    // the labels' black text
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < 20; x++) {
                dark += (image.rgb(x, y) & 0xFF) < 64 ? 1 : 0;
            }
        }
        assertTrue(dark > 20, "labels are drawn: " + dark + " dark pixels");
        assertEquals(2, generate(work.resolve("d"), "--per-category", "2", "--class", "0").exitCode());
    }

    @Test
    void exportImageShipsFloat16ModelsThatGenerateLoads() throws IOException {
        Path installed = work.resolve("installed");
        Run r = run("export", "image", "--tokenizer", models.resolve("image-tokenizer").toString(), "--ar",
                models.resolve("image-ar").toString(), "--models", installed.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("MB, F16)") && r.out().contains("installed:"), r.out());
        Run g = run("generate", "image", "--models", installed.toString(), "--out", work.resolve("g").toString(),
                "--n", "1", "--seed", "1");
        assertEquals(0, g.exitCode(), g.err());
        assertEquals(2, run("export", "image", "--models", installed.toString()).exitCode());
    }
}
