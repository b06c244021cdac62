package dev.tessera.web.fuzz;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code tessera bench fuzz}: each parser of {@link ParserTargets} fuzzed by Jazzer's own driver (libFuzzer)
 * for a fixed time in a child JVM, seeded with the target's seeds; per parser the executions, executions/s,
 * coverage, corpus size and crashes found (0 expected). The reference, measured in the same run, is the
 * plain parser on its seeds without instrumentation: its parses/s and the ratio say how much of the speed
 * goes to instrumentation.
 *
 * <p>Params: {@code seconds} per parser (60; {@code --quick} 10), {@code targets} (all; comma-separated
 * names), {@code heapMb} of the child (1024). A finding is kept as {@code crash-*} under
 * {@code bench/results/fuzz-findings/<target>/}; add it to
 * {@code web/src/test/resources/dev/tessera/web/fuzz/ParserFuzzTestInputs/allParsers/} (prefixed with the
 * target's index byte) once the parser is fixed, so it stays a regression test.
 */
public final class FuzzBench implements BenchSuite {

    private static final Pattern RUNS = Pattern.compile("Done (\\d+) runs in (\\d+) second");
    private static final Pattern STATUS = Pattern.compile("#(\\d+)\\s+\\w+\\s+cov: (\\d+).*?corp: (\\d+)/");

    @Override
    public String name() {
        return "fuzz";
    }

    @Override
    public String description() {
        return "Jazzer on every parser of user bytes (WAV, .npy, images JSON, MIDI, safetensors): exec/s, crashes";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        int seconds = options.intParam("seconds", options.quick() ? 10 : 60);
        int heapMb = options.intParam("heapMb", 1024);
        List<String> names = options.params().containsKey("targets")
                ? Arrays.stream(options.params().get("targets").split(",")).map(String::strip).toList()
                : List.copyOf(ParserTargets.all().keySet());
        BenchReport report = new BenchReport(name(), List.of("target", "parser", "seconds", "executions", "exec/s",
                "coverage", "corpus", "crashes", "plain parses/s (seeds)", "instrumented / plain"));
        Path findings = Path.of("bench", "results", "fuzz-findings");
        for (String target : names) {
            ParserTargets.Target t = ParserTargets.named(target);
            Result r = fuzz(t, seconds, heapMb, findings.resolve(target));
            double plain = plainParsesPerSecond(t);
            report.row(t.name(), t.parser(), r.seconds, r.executions, Math.round(r.executions / Math.max(1, r.seconds)),
                    r.coverage, r.corpus, r.crashes, Math.round(plain),
                    String.format(Locale.ROOT, "%.3f", r.executions / Math.max(1.0, r.seconds) / plain));
        }
        report.note("Each parser in its own JVM: java -cp <class path> com.code_intelligence.jazzer.Jazzer "
                + "--target_class=" + FuzzEntry.class.getName() + " --target_args=<target> "
                + "--instrumentation_includes=dev.tessera.** -max_total_time=" + seconds + " <seeds>");
        report.note("A crash is any exception other than the parser's own input error, an Error, or a hang "
                + "(-timeout=10 s per input); expected: 0. Findings go to " + findings);
        return report;
    }

    record Result(long executions, long seconds, long coverage, long corpus, int crashes) {
    }

    private static Result fuzz(ParserTargets.Target t, int seconds, int heapMb, Path findings) throws Exception {
        Path corpus = Files.createTempDirectory("tessera-fuzz-" + t.name());
        Files.createDirectories(findings);
        List<byte[]> seeds = t.seeds();
        for (int i = 0; i < seeds.size(); i++) {
            Files.write(corpus.resolve("seed-" + i), seeds.get(i));
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heapMb + "m",
                "-cp", System.getProperty("java.class.path"), "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + FuzzEntry.class.getName(), "--target_args=" + t.name(),
                "--instrumentation_includes=dev.tessera.**", "-max_total_time=" + seconds, "-timeout=10",
                "-rss_limit_mb=" + (heapMb * 3), "-artifact_prefix=" + findings.toAbsolutePath() + "/",
                corpus.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long executions = 0;
        long coverage = 0;
        long corpusSize = 0;
        long ranSeconds = seconds;
        boolean crashed = false;
        // Jazzer's JVM can linger after libFuzzer is done; read until "Done N runs" or a finding, then stop it.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 600L);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < giveUp) {
                Matcher m = STATUS.matcher(line);
                if (m.find()) {
                    executions = Long.parseLong(m.group(1));
                    coverage = Long.parseLong(m.group(2));
                    corpusSize = Long.parseLong(m.group(3));
                }
                Matcher done = RUNS.matcher(line);
                if (done.find()) {
                    executions = Long.parseLong(done.group(1));
                    ranSeconds = Long.parseLong(done.group(2));
                    break;
                }
                if (line.contains("== Java Exception") || line.contains("ERROR: libFuzzer")
                        || line.contains("Java Assertion Error")) {
                    crashed = true;
                    System.err.println(t.name() + ": " + line);
                }
                if (crashed && line.startsWith("artifact_prefix")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            try (Stream<Path> files = Files.list(corpus)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(corpus);
        }
        int crashes;
        try (Stream<Path> files = Files.list(findings)) {
            crashes = (int) files.filter(f -> f.getFileName().toString().matches("(crash|timeout|oom|leak)-.*"))
                    .count();
        }
        return new Result(executions, ranSeconds, coverage, corpusSize, Math.max(crashes, crashed ? 1 : 0));
    }

    /** The reference: the uninstrumented parser on its seeds, in this JVM, for about a second. */
    private static double plainParsesPerSecond(ParserTargets.Target t) {
        List<byte[]> seeds = ParserTargets.seedCopies(t);
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(1000);
        while (System.nanoTime() < end) {
            t.run().test(seeds.get((int) (n % seeds.size())));
            n++;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
