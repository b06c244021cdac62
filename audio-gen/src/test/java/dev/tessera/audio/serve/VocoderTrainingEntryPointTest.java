package dev.tessera.audio.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.vocoder.VocoderTrainMain;
import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code tessera train vocoder} would run, checked without running it. */
class VocoderTrainingEntryPointTest {

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertTrue(ServiceLoader.load(TrainingEntryPoint.class).stream().map(ServiceLoader.Provider::get)
                .anyMatch(e -> e.name().equals("vocoder") && e instanceof VocoderTrainingEntryPoint));
    }

    @Test
    void launcherFlagsAndExtraFlagsBecomeVocoderTrainMainArguments() {
        TrainingOptions o = new TrainingOptions(Path.of("d"), 300L, Path.of("o"), true,
                List.of("--batch", "4", "--periods=1,2,3", "--export", "models/vocoder"));
        assertEquals(List.of("--data", "d", "--out", "o", "--steps", "300", "--resume", "--batch", "4", "--periods",
                "1,2,3", "--export", "models/vocoder"), VocoderTrainingEntryPoint.arguments(o));
        assertEquals(List.of("--data", "data/speech", "--out", "runs/vocoder"),
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false, List.of())));
        assertEquals(List.of("--data", "data/speech", "--out", "runs/vocoder", "--min-lr", "2e-5", "--warmup", "200"),
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false,
                        List.of("--min-lr", "2e-5", "--warmup", "200"))), "the cosine tail's flags");
    }

    @Test
    void unknownFlagsMissingValuesAndBadNumbersAreUsageErrors() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false, List.of("--lr", "1"))));
        assertTrue(unknown.getMessage().contains("unknown option '--lr'") && unknown.getMessage().contains("--batch"),
                unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false, List.of("--batch"))));
        assertTrue(missing.getMessage().contains("--batch needs a value"), missing.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () ->
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false,
                        List.of("--periods", "1,x"))));
        assertTrue(bad.getMessage().contains("--periods expects comma-separated"), bad.getMessage());
    }

    @Test
    void theChildRunsVocoderTrainMainOnThisClassPathWithOneThreadUnlessTheUserChoseOtherwise() {
        List<String> cmd = VocoderTrainingEntryPoint.command(List.of("--steps", "5"));
        int main = cmd.indexOf(VocoderTrainMain.class.getName());
        assertTrue(main > 0, cmd.toString());
        assertEquals(List.of("--steps", "5"), cmd.subList(main + 1, cmd.size()));
        assertEquals(System.getProperty("java.class.path"), cmd.get(cmd.indexOf("-cp") + 1));
        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "2"));
        VocoderTrainingEntryPoint.environment(env);
        assertEquals(Map.of("OMP_NUM_THREADS", "2", "TESSERA_THREADS", "1", "TESSERA_INTEROP_THREADS", "1"), env);
    }

    @Test
    void aMissingCorpusFailsBeforeAnythingStartsNamingTheCommandThatMakesIt(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> new VocoderTrainingEntryPoint()
                .train(new TrainingOptions(dir, 1L, dir.resolve("run"), false, List.of())));
        assertTrue(e.getMessage().contains("scripts/fetch-data speech"), e.getMessage());
    }

    @Test
    void musicIsForwardedNeedsAnEvenBatchAndAMissingMusicCorpusNamesItsCommand(@TempDir Path dir) throws Exception {
        assertEquals(List.of("--data", "data/speech", "--out", "runs/vocoder", "--music", "data/music", "--batch", "4"),
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false,
                        List.of("--music", "data/music", "--batch", "4"))));
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () ->
                VocoderTrainingEntryPoint.arguments(new TrainingOptions(null, null, null, false,
                        List.of("--batch=5", "--music", "data/music"))));
        assertTrue(odd.getMessage().contains("--batch must be even"), odd.getMessage());

        java.nio.file.Files.writeString(dir.resolve("train.tsv"), "id\tpath\tvoice\tpitch\trate\tsentence\ttext\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> new VocoderTrainingEntryPoint()
                .train(new TrainingOptions(dir, 1L, dir.resolve("run"), false,
                        List.of("--music", dir.resolve("music").toString()))));
        assertTrue(e.getMessage().contains("scripts/fetch-data music"), e.getMessage());
    }
}
