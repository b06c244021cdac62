package dev.tessera.image.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.core.engine.Engines;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera bench image}: installed tiny models, and default-size random ones when none are installed. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageBenchTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static BenchSuite suite() {
        return ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("image")).findFirst().orElseThrow();
    }

    @Test
    void measuresTheKvCacheNextToRecomputationAndTheTokenizerOfTheInstalledModels(@TempDir Path models)
            throws Exception {
        TinyImageModels.write(models, 2, false);
        BenchReport r = suite().run(new BenchOptions(true, Map.of("models", models.toString(), "batches", "1,4",
                "tokens", "16")));
        List<Map<String, Object>> rows = r.rows();
        assertEquals(8, rows.size(), r.toTable());                      // 2 batches x (2 sampling + 2 tokenizer)
        for (Map<String, Object> row : rows) {
            assertTrue(((Number) row.get("images_per_s")).doubleValue() > 0, r.toTable());
        }
        Map<String, Object> recompute = rows.stream().filter(x -> x.get("mode").equals("recompute (reference)")
                && x.get("batch").equals(4)).findFirst().orElseThrow();
        assertTrue(((Number) recompute.get("ratio")).doubleValue() > 0, r.toTable());
        assertTrue(String.valueOf(rows.get(0).get("model")).contains("image-ar (factorized)"), r.toTable());
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("randomly initialised")), r.toTable());
    }

    @Test
    void withoutInstalledModelsItTimesRandomModelsOfTheDefaultSizeAndSaysSo(@TempDir Path empty) throws Exception {
        BenchReport r = suite().run(new BenchOptions(true, Map.of("models", empty.toString(), "batches", "1",
                "tokens", "1", "recompute", "0")));
        assertEquals(4, r.rows().size(), r.toTable());                   // factorized, flat, encode, decode
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("randomly initialised models of the default size")),
                r.toTable());
        assertTrue(String.valueOf(r.rows().get(1).get("model")).contains("random default flat (K = 14)"), r.toTable());
    }
}
