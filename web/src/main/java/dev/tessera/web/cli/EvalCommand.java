package dev.tessera.web.cli;

import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * {@code tessera eval <suite>}: runs one {@link EvalSuite} found with {@link ServiceLoader}. A module adds
 * one by implementing it and listing it in {@code META-INF/services/dev.tessera.core.eval.EvalSuite}.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Quality metrics on held-out data, next to a baseline; table and JSON.",
        description = {
            "Runs an evaluation suite: an installed model is scored on held-out data next to its baseline in the "
                    + "same run. Prints a table, and writes the report as JSON to --json FILE when given."},
        footer = {"", "Examples:",
            "  tessera eval --list",
            "  tessera eval vocoder --json vocoder-eval.json",
            "  tessera eval vocoder --quick --param clips=2 --param steps=1,16"})
final class EvalCommand implements Callable<Integer>, DynamicHelp {

    @Parameters(arity = "0..1", paramLabel = "SUITE", description = "The suite to run; see --list.")
    String suite;

    @Option(names = "--list", description = "List the suites and what each scores, then exit.")
    boolean list;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Option(names = "--data", paramLabel = "DIR", description = "Held-out data folder. Default: the suite's.")
    Path data;

    @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
            description = "Folder with the installed models. Default: ${DEFAULT-VALUE}.")
    Path models;

    @Option(names = "--quick", description = "Fewer items: a smoke test whose figures are only indicative.")
    boolean quick;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A suite-specific setting, e.g. --param clips=5 (repeatable); see each suite's notes.")
    Map<String, String> params = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Suites<EvalSuite> suites = suites();
        if (list) {
            suites.list(out);
            return 0;
        }
        EvalSuite chosen = suites.choose(spec.commandLine(), suite, "evaluation suite");
        BenchReport report;
        try {
            report = chosen.run(new EvalOptions(data, models, quick, params));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // The report type is shared with benchmarks; its table's title says which kind of run this was.
        out.print(report.toTable().replaceFirst("^== bench ", "== eval "));
        if (json != null) {
            out.println("wrote " + report.write(json));
        }
        out.flush();
        return 0;
    }

    static Suites<EvalSuite> suites() {
        return new Suites<>(EvalSuite.class, EvalSuite::name, EvalSuite::description);
    }

    @Override
    public String dynamicHelp() {
        return suites().help();
    }
}
