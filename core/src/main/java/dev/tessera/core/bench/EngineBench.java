package dev.tessera.core.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code tessera bench engine}: the ceilings that later benchmarks compare their models against.
 *
 * <p>Measures float32 GFLOP/s through DJL for a square matmul, side by side with a plain-Java
 * cache-blocked single-thread matmul of the same size run in the same process (and checked to agree
 * with DJL's product), then a conv1d and a conv2d of sizes typical for the vocoder and the image
 * tokenizer, each as a ratio to DJL's matmul: how close a convolution gets to the machine's GEMM peak.
 *
 * <p>Parameters ({@code --param}): {@code n} matmul size (default 1024), {@code warmup} and
 * {@code reps} (default 3 and 10, quick 1 and 3). Each figure is the median of {@code reps} timed runs.
 */
public final class EngineBench implements BenchSuite {

    /** Relative difference (max |DJL - Java| / max |Java|) above which the run fails. */
    public static final double AGREEMENT_TOLERANCE = 1e-3;

    // Cache blocking of the Java reference: a KB x NB block of B (64 x 1024 floats = 256 KiB) stays in
    // L2 while every row of A streams past it; one NB-wide row segment of C (4 KiB) stays in L1.
    private static final int KB = 64;
    private static final int NB = 1024;

    public static final List<String> COLUMNS = List.of("op", "shape", "ms", "GFLOP/s", "reference GFLOP/s", "ratio");

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public String description() {
        return "float32 GFLOP/s: matmul (DJL vs plain Java), conv1d and conv2d (vs that matmul)";
    }

    @Override
    public BenchReport run(BenchOptions options) {
        Engine engine = Engines.start();
        int n = options.intParam("n", 1024);
        int warmup = options.intParam("warmup", options.quick() ? 1 : 3);
        int reps = options.intParam("reps", options.quick() ? 3 : 10);
        if (n < 1 || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("expected n >= 1, warmup >= 0, reps >= 1; got n=" + n
                    + " warmup=" + warmup + " reps=" + reps);
        }
        BenchReport report = new BenchReport(name(), COLUMNS);
        try (NDManager manager = NDManager.newBaseManager()) {
            // --- matmul: C (n, n) = A (n, n) . B (n, n); 2 n^3 flops
            float[] a = uniform(n * n, "bench.engine.a");
            float[] b = uniform(n * n, "bench.engine.b");
            NDArray da = manager.create(a, new Shape(n, n));
            NDArray db = manager.create(b, new Shape(n, n));
            double matmulFlops = 2.0 * n * n * n;
            double djlSeconds = medianSeconds(warmup, reps, () -> da.matMul(db).close());
            float[] djlProduct;
            try (NDArray c = da.matMul(db)) {
                djlProduct = c.toFloatArray();
            }
            float[] javaProduct = new float[n * n];
            warmUpReference();
            double javaSeconds = medianSeconds(warmup, reps, () -> referenceMatmul(a, b, javaProduct, n, n, n));
            double difference = relativeDifference(djlProduct, javaProduct);
            if (!(difference <= AGREEMENT_TOLERANCE)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "DJL and the Java reference disagree on the %dx%d matmul: relative difference %.3e > %.0e",
                        n, n, difference, AGREEMENT_TOLERANCE));
            }
            double matmulGflops = matmulFlops / djlSeconds / 1e9;
            double javaGflops = matmulFlops / javaSeconds / 1e9;
            report.row("matmul", n + "x" + n + "x" + n, djlSeconds * 1e3, matmulGflops, javaGflops,
                    matmulGflops / javaGflops);

            // --- conv1d: (B, Cin, L) * (Cout, Cin, K), stride 1, "same" padding; 2 B Cout L Cin K flops
            int batch = 8;
            int channels = 64;
            int length = 8192;
            int k1 = 7;
            NDArray x1 = manager.create(uniform(batch * channels * length, "bench.engine.x1"),
                    new Shape(batch, channels, length));
            NDArray w1 = manager.create(uniform(channels * channels * k1, "bench.engine.w1"),
                    new Shape(channels, channels, k1));
            NDArray b1 = manager.zeros(new Shape(channels));
            Shape out1;
            try (NDList y = conv1d(x1, w1, b1, k1)) {
                out1 = y.head().getShape();
            }
            double conv1dFlops = 2.0 * out1.get(0) * out1.get(1) * out1.get(2) * channels * k1;
            double conv1dSeconds = medianSeconds(warmup, reps, () -> conv1d(x1, w1, b1, k1).close());
            double conv1dGflops = conv1dFlops / conv1dSeconds / 1e9;
            report.row("conv1d", "B" + batch + " C" + channels + "->" + channels + " L" + length + " k" + k1,
                    conv1dSeconds * 1e3, conv1dGflops, null, conv1dGflops / matmulGflops);

            // --- conv2d: (B, Cin, H, W) * (Cout, Cin, K, K), stride 1, "same" padding
            int side = 64;
            int k2 = 3;
            NDArray x2 = manager.create(uniform(batch * channels * side * side, "bench.engine.x2"),
                    new Shape(batch, channels, side, side));
            NDArray w2 = manager.create(uniform(channels * channels * k2 * k2, "bench.engine.w2"),
                    new Shape(channels, channels, k2, k2));
            NDArray b2 = manager.zeros(new Shape(channels));
            Shape out2;
            try (NDList y = conv2d(x2, w2, b2, k2)) {
                out2 = y.head().getShape();
            }
            double conv2dFlops = 2.0 * out2.get(0) * out2.get(1) * out2.get(2) * out2.get(3) * channels * k2 * k2;
            double conv2dSeconds = medianSeconds(warmup, reps, () -> conv2d(x2, w2, b2, k2).close());
            double conv2dGflops = conv2dFlops / conv2dSeconds / 1e9;
            report.row("conv2d", "B" + batch + " C" + channels + "->" + channels + " " + side + "x" + side + " k" + k2,
                    conv2dSeconds * 1e3, conv2dGflops, null, conv2dGflops / matmulGflops);

            report.note(String.format(Locale.ROOT, "%s %s, intra-op threads %d, inter-op threads %d; "
                            + "the Java reference runs on one thread", engine.getEngineName(), engine.getVersion(),
                    JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()));
            report.note("ratio: matmul = DJL / Java reference; conv1d, conv2d = conv / DJL matmul");
            report.note(String.format(Locale.ROOT,
                    "Java reference agrees with DJL: max|C_djl - C_java| / max|C_java| = %.2e (limit %.0e)",
                    difference, AGREEMENT_TOLERANCE));
            report.note("median of " + reps + " runs after " + warmup + " warm-up runs"
                    + (options.quick() ? " (--quick: figures are indicative only)" : "")
                    + "; settings n=" + n + " warmup=" + warmup + " reps=" + reps + " (change with --param)");
        }
        return report;
    }

    private static NDList conv1d(NDArray x, NDArray w, NDArray bias, int k) {
        return Conv1d.conv1d(x, w, bias, new Shape(1), new Shape(k / 2), new Shape(1), 1);
    }

    private static NDList conv2d(NDArray x, NDArray w, NDArray bias, int k) {
        return Conv2d.conv2d(x, w, bias, new Shape(1, 1), new Shape(k / 2, k / 2), new Shape(1, 1), 1);
    }

    /**
     * The plain-Java reference: {@code c (m, n) = a (m, k) . b (k, n)}, row-major float arrays, one
     * thread, float accumulation like the BLAS it is compared with. The i-p-j loop order keeps the
     * innermost loop a contiguous {@code c[i, j] += a[i, p] * b[p, j]} that the JIT vectorises.
     */
    public static void referenceMatmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        if (a.length < m * k || b.length < k * n || c.length < m * n) {
            throw new IllegalArgumentException("arrays too small for (" + m + ", " + k + ") . (" + k + ", " + n + ")");
        }
        Arrays.fill(c, 0, m * n, 0f);
        for (int p0 = 0; p0 < k; p0 += KB) {
            int p1 = Math.min(p0 + KB, k);
            for (int j0 = 0; j0 < n; j0 += NB) {
                int j1 = Math.min(j0 + NB, n);
                for (int i = 0; i < m; i++) {
                    int ci = i * n;
                    int ai = i * k;
                    for (int p = p0; p < p1; p++) {
                        float aip = a[ai + p];
                        int bp = p * n;
                        for (int j = j0; j < j1; j++) {
                            c[ci + j] += aip * b[bp + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Lets the JIT compile the reference kernel with its vectorised loop before it is timed: a quick run
     * has a single warm-up, whose one call on the full size would otherwise run mostly interpreted.
     */
    private static void warmUpReference() {
        int size = 256;
        float[] a = uniform(size * size, "bench.engine.warmup");
        float[] c = new float[size * size];
        for (int i = 0; i < 20; i++) {
            referenceMatmul(a, a, c, size, size, size);
        }
    }

    /** {@code max |x - ref| / max |ref|}: a normwise difference that near-zero entries cannot inflate. */
    public static double relativeDifference(float[] x, float[] ref) {
        if (x.length != ref.length) {
            throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + ref.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < x.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) x[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs((double) ref[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /**
     * DJL's float32 matmul rate for (n, n) . (n, n), GFLOP/s (median of {@code reps}): the ceiling other
     * suites quote their achieved rate against, measured in the same run as the thing they measure.
     */
    public static double matmulCeilingGflops(NDManager manager, int n, int warmup, int reps) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.create(uniform(n * n, "bench.engine.a"), new Shape(n, n));
            NDArray b = scope.create(uniform(n * n, "bench.engine.b"), new Shape(n, n));
            return 2.0 * n * n * n / medianSeconds(warmup, reps, () -> a.matMul(b).close()) / 1e9;
        }
    }

    /** Median wall time in seconds of {@code reps} runs after {@code warmup} untimed ones. */
    public static double medianSeconds(int warmup, int reps, Runnable op) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            op.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return reps % 2 == 1 ? seconds[reps / 2] : (seconds[reps / 2 - 1] + seconds[reps / 2]) / 2;
    }

    /** Uniform values in [-1, 1) from a named seed stream, so every run multiplies the same matrices. */
    private static float[] uniform(int size, String stream) {
        SplittableRandom random = Seeds.stream(stream, 0);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
