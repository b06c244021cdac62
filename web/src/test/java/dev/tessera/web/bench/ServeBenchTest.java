package dev.tessera.web.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.web.api.TinyVocoderModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short load run against a tiny real vocoder: every request of both front ends is answered, none lost. */
class ServeBenchTest {

    @Test
    void shortLoadRunAnswersEveryRequestOfBothFrontEnds(@TempDir Path models) throws Exception {
        TinyVocoderModel.write(models, 51);
        BenchReport report = new ServeBench().run(new BenchOptions(true, Map.of("models", models.toString(),
                "seconds", "3", "wsClients", "2", "apiClients", "2", "vocodeRequests", "12")));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(3, rows.size(), report.toTable());
        for (Map<String, Object> row : rows) {
            long requests = ((Number) row.get("requests")).longValue();
            assertTrue(requests >= 1, report.toTable());
            assertEquals(0L, ((Number) row.get("errors")).longValue(), report.toTable());
            assertEquals(0L, ((Number) row.get("lost")).longValue(), report.toTable());
        }
        assertEquals(12L, ((Number) rows.get(2).get("requests")).longValue(), report.toTable());
        assertTrue(((Number) rows.get(0).get("RSS start MiB")).longValue() > 0, report.toTable());
    }
}
