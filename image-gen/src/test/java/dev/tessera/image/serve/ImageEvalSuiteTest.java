package dev.tessera.image.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.eval.EmojiClassifier;
import dev.tessera.image.eval.EmojiClassifierConfig;
import dev.tessera.image.sample.RgbImage;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera eval image} on procedural shapes with tiny random models of both heads and a tiny classifier. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageEvalSuiteTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void install() throws Exception {
        Engines.start();
        ShapesGenerator.writeEmojiFolder(dir.resolve("data"), 24, 4, 3);             // 6 held out
        Path models = dir.resolve("models");
        TinyImageModels.write(models, 4, false, ShapesGenerator.CLASSES, "image-ar-factorized");
        TinyImageModels.write(models, 5, true, ShapesGenerator.CLASSES, "image-ar-flat");
        try (NDManager m = NDManager.newBaseManager()) {
            EmojiClassifier c = new EmojiClassifier(EmojiClassifierConfig.defaults().withClasses(3, 0));
            c.initialize(m);
            c.save(Files.createDirectories(models.resolve(EmojiClassifier.NAME)), Map.of());
        }
    }

    private static EvalSuite suite() {
        return ServiceLoader.load(EvalSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("image")).findFirst().orElseThrow();
    }

    private static double value(BenchReport r, String system, String metric) {
        return r.rows().stream().filter(row -> String.valueOf(row.get("system")).startsWith(system)
                        && row.get("metric").equals(metric))
                .mapToDouble(row -> ((Number) row.get("value")).doubleValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + system + " / " + metric + " in\n" + r.toTable()));
    }

    @Test
    void scoresTokenizerBothHeadsAndTheirSamplesNextToTheirReferences() throws Exception {
        BenchReport r = suite().run(new EvalOptions(dir.resolve("data"), dir.resolve("models"), true, Map.of()));
        String table = r.toTable();
        double psnr = value(r, dir.resolve("models").resolve("image-tokenizer").toString(), "psnr_db");
        assertTrue(psnr > 0 && psnr < 60, table);
        double usage = value(r, dir.resolve("models").resolve("image-tokenizer").toString(), "codebook_usage");
        assertTrue(usage > 0 && usage <= 1, table);
        for (String head : List.of("image-ar-factorized (factorized)", "image-ar-flat (flat)")) {
            double bits = value(r, head, "bits_per_token");
            assertTrue(bits > 0 && bits < 20, table);           // random tiny heads: near or above K = 8
            double fd = value(r, head + " samples", "fd_emoji");
            assertTrue(fd >= 0 && Double.isFinite(fd), table);
            double accuracy = value(r, head + " samples", "accuracy");
            assertTrue(accuracy >= 0 && accuracy <= 1, table);
        }
        assertTrue(value(r, "ceiling", "fd_emoji") >= 0, table);
        assertTrue(value(r, "floor", "fd_emoji") >= 0, table);
        assertTrue(r.rows().stream().anyMatch(row -> Double.valueOf(1.0 / 3).equals(row.get("reference_value"))), table);
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("N = 6 following the held-out class histogram")), table);
    }

    @Test
    void aFolderOfPngsGetsTheReconstructionMetricsOnly(@TempDir Path pngs) throws Exception {
        ImageSet shapes = new ShapesGenerator(32, 9).generate(6);
        for (int i = 0; i < shapes.count(); i++) {
            byte[] p = java.util.Arrays.copyOfRange(shapes.pixels(), i * 32 * 32 * 3, (i + 1) * 32 * 32 * 3);
            Files.write(pngs.resolve(i + ".png"), new RgbImage(32, 32, p).toPng());
        }
        BenchReport r = suite().run(new EvalOptions(pngs, dir.resolve("models"), false, Map.of()));
        assertTrue(r.rows().stream().allMatch(row -> row.get("part").equals("tokenizer")), r.toTable());
        assertEquals(5, r.rows().size(), r.toTable());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("reconstruction metrics only")), r.toTable());
        assertThrows(NoSuchFileException.class, () -> suite().run(new EvalOptions(pngs, pngs, false, Map.of())));
    }
}
