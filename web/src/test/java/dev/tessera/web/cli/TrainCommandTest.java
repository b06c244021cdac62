package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.web.cli.TesseraCommandTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera train}: the registered models, and clear failures before any training starts. */
class TrainCommandTest {

    @Test
    void helpAndListShowTheRegisteredModelsAndTheirOptions() {
        Run help = TesseraCommandTest.run("train", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Models:") && help.out().contains("vocoder "), help.out());
        assertTrue(help.out().contains("--batch N"), "the vocoder's own flags are listed\n" + help.out());
        Run list = TesseraCommandTest.run("train", "--list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("vocoder ")), list.out());
        assertTrue(TesseraCommandTest.run("--help").out().lines().anyMatch(l -> l.strip().startsWith("train ")));
    }

    @Test
    void unknownModelsFlagsAndMissingDataFailClearly(@TempDir Path empty) {
        Run unknown = TesseraCommandTest.run("train", "wavenet");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("no model named 'wavenet'") && unknown.err().contains("vocoder"),
                unknown.err());
        Run none = TesseraCommandTest.run("train");
        assertEquals(2, none.exitCode());
        Run flag = TesseraCommandTest.run("train", "vocoder", "--data", empty.toString(), "--learning-rate", "1");
        assertEquals(2, flag.exitCode());
        assertTrue(flag.err().contains("unknown option '--learning-rate'"), flag.err());
        Run steps = TesseraCommandTest.run("train", "vocoder", "--steps", "0");
        assertEquals(2, steps.exitCode());
        Run data = TesseraCommandTest.run("train", "vocoder", "--data", empty.toString(), "--batch", "2");
        assertEquals(1, data.exitCode());
        assertTrue(data.err().contains("train.tsv") && data.err().contains("scripts/fetch-data speech"), data.err());
    }
}
