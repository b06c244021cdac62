package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher run in-process, output captured: help, exit codes, one-line failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TesseraCommandTest {

    @TempDir
    Path emptyModels;

    /** Exit code, standard output and error of one launcher run. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TesseraCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertEquals(0, r.exitCode());
        for (String command : List.of("serve", "bench", "version")) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")), command + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes"), r.out());
    }

    @Test
    void serveHelpExplainsEveryOptionWithAnExample() {
        Run r = run("serve", "--help");
        assertEquals(0, r.exitCode());
        for (String option : List.of("--host", "--port", "--models", "--cluster", "--cluster-host", "--cluster-port",
                "--cluster-members", "--no-http", "--token", "--verbose")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertTrue(r.out().contains("TESSERA_TOKEN"), r.out());
        assertTrue(r.out().contains("Examples:") && r.out().contains("tessera serve --port"), r.out());
        // the test class path has the fake provider: the help lists what this build can serve
        assertTrue(r.out().contains("fake-probe"), r.out());
    }

    @Test
    void theTokenFromTheEnvironmentIsNeverShownInHelp() {
        Run r = run("serve", "--help");
        String token = System.getenv("TESSERA_TOKEN");
        if (token != null && !token.isBlank()) {
            assertFalse(r.out().contains(token));
        }
        assertFalse(r.out().contains("Default: ${env"), r.out());
    }

    @Test
    void benchListShowsTheEngineSuite() {
        Run r = run("bench", "--list");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("engine ")), r.out());
        assertTrue(run("bench", "--help").out().contains("engine "), "bench --help lists the suites");
    }

    @Test
    void benchPrintsTheTableAndWritesTheJsonReportTwice() throws Exception {
        Path results = emptyModels.resolve("results");
        Path json = emptyModels.resolve("engine.json");
        Run r = run("bench", "engine", "--quick", "--param", "n=64", "--param", "warmup=0", "--param", "reps=1",
                "--results-dir", results.toString(), "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("== bench engine =="), r.out());
        assertTrue(r.out().contains("64x64x64") && r.out().contains("conv2d"), r.out());
        List<Path> written;
        try (var files = java.nio.file.Files.list(results)) {
            written = files.toList();
        }
        assertEquals(1, written.size());
        assertTrue(written.get(0).getFileName().toString().matches("engine-\\d{8}-\\d{6}\\.json"), written.toString());
        for (Path file : List.of(written.get(0), json)) {
            JsonObject report = new JsonObject(java.nio.file.Files.readString(file));
            assertEquals("engine", report.getString("suite"));
            assertEquals(3, report.getJsonArray("rows").size());
            assertTrue(r.out().contains("wrote " + file), r.out());
        }
    }

    @Test
    void versionHelpSaysWhatItPrints() {
        Run r = run("version", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("PyTorch") && r.out().contains("DJL_CACHE_DIR"), r.out());
    }

    @Test
    void versionFlagNamesTesseraVertxAndDjl() {
        Run r = run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Tessera 0."), r.out());
        assertTrue(r.out().contains("Vert.x 5.0.7") && r.out().contains("DJL 0.36.0"), r.out());
    }

    @Test
    void versionCommandReportsTheEngine() {
        Run r = run("version");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("PyTorch    2.7.1"), r.out());
        assertTrue(r.out().matches("(?s).*threads +intra-op \\d+, inter-op \\d+.*"), r.out());
        assertTrue(r.out().contains("DJL cache"), r.out());
    }

    @Test
    void usageErrorsExitWith2AndPointAtHelp() {
        Run unknownOption = run("serve", "--prot", "9090");
        assertEquals(2, unknownOption.exitCode());
        assertTrue(unknownOption.err().contains("--prot") && unknownOption.err().contains("tessera serve --help"),
                unknownOption.err());

        Run noCommand = run();
        assertEquals(2, noCommand.exitCode());
        assertTrue(noCommand.err().contains("missing a command"), noCommand.err());

        Run unknownSuite = run("bench", "no-such-suite");
        assertEquals(2, unknownSuite.exitCode());
        assertTrue(unknownSuite.err().contains("no-such-suite") && unknownSuite.err().contains("engine"),
                unknownSuite.err());

        Run noHttpAlone = run("serve", "--no-http");
        assertEquals(2, noHttpAlone.exitCode());
        assertTrue(noHttpAlone.err().contains("--cluster"), noHttpAlone.err());

        Run membersAlone = run("serve", "--cluster-members", "10.0.0.1:5701");
        assertEquals(2, membersAlone.exitCode());
        assertTrue(membersAlone.err().contains("only applies with --cluster"), membersAlone.err());

        assertEquals(2, run("serve", "--port", "70000").exitCode());
    }

    @Test
    void aFailureIsOneActionableLineAndTheStackTraceOnlyWithVerbose() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            Run r = run("serve", "--port", port, "--models", emptyModels.toString());
            assertEquals(1, r.exitCode());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), r.err());
            assertTrue(lines.get(0).startsWith("tessera serve: cannot serve HTTP on 127.0.0.1:" + port), lines.get(0));
            assertTrue(lines.get(0).contains("--port"), lines.get(0));

            Run verbose = run("serve", "--verbose", "--port", port, "--models", emptyModels.toString());
            assertEquals(1, verbose.exitCode());
            assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose:\n" + verbose.err());
        }
    }

    @Test
    void oneLineUnwrapsAndFlattensMessages() {
        Exception wrapped = new java.util.concurrent.ExecutionException(new IllegalStateException("first\nsecond"));
        assertEquals("first second", TesseraCommand.oneLine(wrapped));
        assertEquals("NullPointerException", TesseraCommand.oneLine(new NullPointerException()));
    }
}
