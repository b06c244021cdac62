package dev.tessera.distill.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.distill.turbo.TurboExport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera bench distill-vocoder --quick} with a tiny teacher and one installed 2-step student. */
class TurboBenchSuiteTest {

    @Test
    void timesTheTeacherAndEachStudentStepCount(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        TurboEvalSuiteTest.write(models.resolve("vocoder"), "tiny", 3);
        TurboEvalSuiteTest.write(TurboExport.studentDir(models.resolve(TurboExport.MODEL), 2), TurboExport.NAME, 4);
        BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("distill-vocoder")).findFirst().orElseThrow();
        BenchReport report = suite.run(new BenchOptions(true, Map.of("models", models.toString())));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(List.of(16, 4, 2, 1), rows.stream().map(r -> r.get("steps")).toList(), report.toTable());
        assertEquals("vocoder-turbo (Euler)", rows.get(2).get("system"));
        assertTrue(((String) rows.get(1).get("system")).contains("no student installed"), report.toTable());
        // 1 network evaluation against the teacher's 32: the one-step row must be several times faster.
        assertTrue((Double) rows.get(3).get("speedup") > 3, report.toTable());
        for (Map<String, Object> r : rows) {
            double rtf = (Double) r.get("RTF");
            assertEquals(1 / rtf, (Double) r.get("x real time"), 1e-9);
        }
    }
}
