package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.web.cli.TesseraCommandTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera eval}: the registered suites, and clear failures before any scoring starts. */
class EvalCommandTest {

    @Test
    void helpAndListShowTheRegisteredSuites() {
        Run help = TesseraCommandTest.run("eval", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Suites:") && help.out().contains("vocoder "), help.out());
        Run list = TesseraCommandTest.run("eval", "--list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("vocoder ")), list.out());
    }

    @Test
    void unknownSuitesBadSettingsAndMissingModelsFailClearly(@TempDir Path empty) {
        Run unknown = TesseraCommandTest.run("eval", "pesq");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("no evaluation suite named 'pesq'") && unknown.err().contains("vocoder"),
                unknown.err());
        Run steps = TesseraCommandTest.run("eval", "vocoder", "--param", "steps=0", "--models", empty.toString());
        assertEquals(2, steps.exitCode());
        assertTrue(steps.err().contains("--param steps"), steps.err());
        Run noModel = TesseraCommandTest.run("eval", "vocoder", "--models", empty.toString(), "--data", empty.toString());
        assertEquals(1, noModel.exitCode());
        assertTrue(noModel.err().contains("no vocoder checkpoint"), noModel.err());
    }
}
