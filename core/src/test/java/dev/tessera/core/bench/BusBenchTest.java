package dev.tessera.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bus suite: it is found by the bench launcher, and a quick run measures both buses and the batching
 * gain with plausible figures. The quick run forms a two-node cluster, so it runs in the {@code cluster} group.
 */
class BusBenchTest {

    @Test
    void theLauncherFindsTheBusSuiteByName() {
        List<String> names = ServiceLoader.load(BenchSuite.class).stream().map(p -> p.get().name()).toList();
        assertTrue(names.contains("bus"), "suites found: " + names);
    }

    @Test
    void aBadParameterIsRefusedBeforeAnythingStarts() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BusBench().run(new BenchOptions(true, Map.of("concurrency", "0"))));
        assertTrue(e.getMessage().contains("concurrency must be in 1..1024, got 0"), e.getMessage());
    }

    @Test
    @Tag("cluster")
    // A whole quick run, 8 loads and the cluster's 10 s to form: about 30 s at load 8 on 2 cores.
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aQuickRunMeasuresBothBusesAndBatchingFillsBatchesOnlyWhenAllowed() throws Exception {
        long t0 = System.nanoTime();
        // Two passes per request, not eight: surefire sets no OMP_NUM_THREADS, so the model thread runs libtorch
        // with one OpenMP thread per core, and on these shared cores a probe pass then takes up to 70 ms instead
        // of 0.1 ms; a 1 s window would hold a handful of unbatched answers.
        BenchReport report = new BusBench().run(new BenchOptions(true, Map.of("steps", "2")));
        System.out.println(report.toTable());
        System.out.printf("quick bus bench took %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        List<Map<String, Object>> rows = report.rows();
        assertEquals(2 * 2 + BusBench.MAX_BATCHES.size(), rows.size(), "rows: " + rows);
        for (Map<String, Object> row : rows) {
            assertEquals(BusBench.COLUMNS, List.copyOf(row.keySet()));
            row.forEach((column, value) -> {
                if (value instanceof Number n) {
                    double d = n.doubleValue();
                    assertTrue(Double.isFinite(d) && d > 0, column + " = " + value + " in " + row);
                }
            });
            double p50 = number(row, "p50_us");
            double p95 = number(row, "p95_us");
            double p99 = number(row, "p99_us");
            assertTrue(p50 <= p95 && p95 <= p99, "percentiles out of order in " + row);
            assertTrue(number(row, "n") >= 1, "nothing answered in " + row);
        }

        for (String bus : List.of("local", "cluster")) {
            for (int clients : List.of(1, 16)) {
                Map<String, Object> row = find(rows, "round trip", bus, clients, null);
                assertEquals("local", row.get("ref"));
                if (bus.equals("local")) {
                    assertEquals(1.0, number(row, "x_per_s"));
                    assertEquals(1.0, number(row, "x_p50"));
                }
            }
        }

        Map<String, Object> unbatched = find(rows, "batching", "local", 16, 1);
        assertEquals(1.0, number(unbatched, "batch"), "maxBatch 1 must run every request alone");
        assertEquals(1.0, number(unbatched, "x_per_s"));
        assertEquals("maxBatch=1", unbatched.get("ref"));
        for (int maxBatch : BusBench.MAX_BATCHES) {
            Map<String, Object> row = find(rows, "batching", "local", 16, maxBatch);
            assertTrue(number(row, "batch") <= maxBatch, "batch above maxBatch in " + row);
        }
        Map<String, Object> batched = find(rows, "batching", "local", 16, 16);
        assertTrue(number(batched, "batch") > 1, "16 clients and maxBatch 16 must share forward passes: " + batched);

        assertTrue(report.notes().stream().anyMatch(n -> n.contains(Runtime.getRuntime().availableProcessors()
                + " cores")), "notes: " + report.notes());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("loopback")), "notes: " + report.notes());
    }

    private static double number(Map<String, Object> row, String column) {
        Object v = row.get(column);
        assertTrue(v instanceof Number, column + " is not a number in " + row);
        return ((Number) v).doubleValue();
    }

    private static Map<String, Object> find(List<Map<String, Object>> rows, String measure, String bus, int clients,
                                            Integer maxBatch) {
        return rows.stream()
                .filter(r -> r.get("measure").equals(measure) && r.get("bus").equals(bus)
                        && r.get("clients").equals(clients) && java.util.Objects.equals(r.get("maxBatch"), maxBatch))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + measure + "/" + bus + "/" + clients + "/" + maxBatch
                        + " in " + rows));
    }
}
