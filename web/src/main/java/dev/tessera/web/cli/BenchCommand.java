package dev.tessera.web.cli;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera bench}: runs one {@link BenchSuite} found with {@link ServiceLoader}. A module adds a
 * suite by implementing {@code BenchSuite} and listing it in
 * {@code META-INF/services/dev.tessera.core.bench.BenchSuite}; nothing here changes.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Measure speed side by side with a reference; table and JSON.",
        description = {
            "Runs a benchmark suite: the thing and its reference are measured side by side in the same run "
                    + "and reported with their ratio, since absolute figures vary by machine.",
            "Prints a table and writes the report as JSON to bench/results/<suite>-<yyyyMMdd-HHmmss>.json "
                    + "(relative to the current folder; see --results-dir), and to --json FILE when given."},
        footer = {"", "Examples:",
            "  tessera bench --list",
            "  tessera bench engine",
            "  tessera bench engine --quick --param n=512 --json engine.json"})
final class BenchCommand implements Callable<Integer>, DynamicHelp {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Parameters(arity = "0..1", paramLabel = "SUITE", description = "The suite to run; see --list.")
    String suite;

    @Option(names = "--list", description = "List the suites and what each measures, then exit.")
    boolean list;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
    Path json;

    @Option(names = "--results-dir", defaultValue = "bench/results", paramLabel = "DIR",
            description = "Folder for the timestamped JSON report. Default: ${DEFAULT-VALUE} (under the current folder).")
    Path resultsDir;

    @Option(names = "--quick", description = "Fewer repetitions: a smoke test whose figures are only indicative.")
    boolean quick;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A suite-specific setting, e.g. --param n=512 (repeatable); each suite's notes name its own.")
    Map<String, String> params = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Suites<BenchSuite> suites = suites();
        if (list) {
            suites.list(out);
            return 0;
        }
        BenchSuite chosen = suites.choose(spec.commandLine(), suite, "suite");
        BenchReport report;
        try {
            report = chosen.run(new BenchOptions(quick, params));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "a --param value is not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.print(report.toTable());
        Path file = report.write(resultsDir.resolve(suite + "-" + LocalDateTime.now().format(STAMP) + ".json"));
        out.println("wrote " + file);
        if (json != null) {
            out.println("wrote " + report.write(json));
        }
        out.flush();
        return 0;
    }

    static Suites<BenchSuite> suites() {
        return new Suites<>(BenchSuite.class, BenchSuite::name, BenchSuite::description);
    }

    @Override
    public String dynamicHelp() {
        return suites().help();
    }
}
