package dev.tessera.audio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A quick run of {@code tessera bench vocoder} with no installed model: every figure is finite and consistent. */
class VocoderBenchTest {

    @Test
    void quickRunReportsRtfRateAndTheCqtRatio(@TempDir Path empty) throws Exception {
        BenchReport report = new VocoderBench().run(new BenchOptions(true,
                Map.of("models", empty.toString(), "seconds", "0.25")));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(3, rows.size(), report.toTable());                          // steps 1, 2 at batch 1; the CQT
        for (Map<String, Object> row : rows.subList(0, 2)) {
            double rtf = ((Number) row.get("RTF")).doubleValue();
            double fraction = ((Number) row.get("of matmul ceiling")).doubleValue();
            assertTrue(rtf > 0 && rtf < 100, "RTF " + rtf);
            assertTrue(fraction > 0 && fraction < 2, "fraction of the matmul ceiling " + fraction);
        }
        // 2 midpoint steps = 4 evaluations, so twice the compute of 1 step, give or take the encoder and noise.
        assertEquals(2, ((Number) rows.get(0).get("NFE")).intValue());
        assertEquals(4, ((Number) rows.get(1).get("NFE")).intValue());
        double cqtRatio = ((Number) rows.get(2).get("ratio")).doubleValue();
        assertTrue(cqtRatio > 0 && Double.isFinite(cqtRatio), "CQT ratio " + cqtRatio);
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("randomly initialised")), report.notes().toString());
    }
}
