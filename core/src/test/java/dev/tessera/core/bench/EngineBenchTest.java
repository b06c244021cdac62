package dev.tessera.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EngineBenchTest {

    @Test
    void javaReferenceAgreesWithDjlOnShapesThatCrossBlockEdges() {
        Engines.start();
        // 67 x 300 . 300 x 1100: k crosses the 64-wide k blocks, n the 1024-wide column blocks.
        int m = 67;
        int k = 300;
        int n = 1100;
        SplittableRandom random = new SplittableRandom(11);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] java = new float[m * n];
        EngineBench.referenceMatmul(a, b, java, m, k, n);
        float[] djl;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray product = manager.create(a, new Shape(m, k)).matMul(manager.create(b, new Shape(k, n)));
            djl = product.toFloatArray();
        }
        double difference = EngineBench.relativeDifference(djl, java);
        assertTrue(difference < 1e-3, "relative difference " + difference);
        // one entry by hand, in double: the reference is a real product, not just consistent with DJL
        double c00 = 0;
        for (int p = 0; p < k; p++) {
            c00 += (double) a[p] * b[p * n];
        }
        assertEquals(c00, java[0], 1e-4 * Math.max(1, Math.abs(c00)));
    }

    @Test
    @Timeout(120)
    void quickRunReportsPositiveFiniteGflopsForEveryOp() throws Exception {
        BenchReport report = new EngineBench().run(new BenchOptions(true, Map.of()));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(List.of("matmul", "conv1d", "conv2d"), rows.stream().map(r -> r.get("op")).toList());
        for (Map<String, Object> row : rows) {
            double gflops = (Double) row.get("GFLOP/s");
            double ratio = (Double) row.get("ratio");
            assertTrue(Double.isFinite(gflops) && gflops > 0, row.toString());
            assertTrue(Double.isFinite(ratio) && ratio > 0, row.toString());
        }
        Map<String, Object> matmul = rows.get(0);
        assertEquals("1024x1024x1024", matmul.get("shape"));
        double reference = (Double) matmul.get("reference GFLOP/s");
        assertTrue(Double.isFinite(reference) && reference > 0, matmul.toString());
        assertEquals((Double) matmul.get("GFLOP/s") / reference, (Double) matmul.get("ratio"), 1e-9);
        double ceiling = (Double) matmul.get("GFLOP/s");
        for (Map<String, Object> conv : rows.subList(1, 3)) {
            assertNull(conv.get("reference GFLOP/s"));
            assertEquals((Double) conv.get("GFLOP/s") / ceiling, (Double) conv.get("ratio"), 1e-9);
        }
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("Java reference agrees with DJL")),
                report.notes().toString());
        assertTrue(report.toTable().contains("conv2d"));
    }

    @Test
    void engineSuiteIsFoundByServiceLoader() {
        List<String> names = ServiceLoader.load(BenchSuite.class).stream()
                .map(p -> p.get().name()).toList();
        assertTrue(names.contains("engine"), names.toString());
    }
}
