package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.eval.EmojiClassifier;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera train image-tokenizer|image-ar|emoji-classifier}: flags, checks, and a real child run. */
class ImageTrainingEntryPointTest {

    private static TrainingEntryPoint entry(String name) {
        return ServiceLoader.load(TrainingEntryPoint.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void launcherFlagsBecomeTheMainsArgumentsAndTheHelpComesFromTheMainsOptionList() {
        ImageTrainingEntryPoint ar = (ImageTrainingEntryPoint) entry("image-ar");
        List<String> args = ar.arguments(new TrainingOptions(Path.of("d"), 7L, Path.of("r"), true,
                List.of("--head=flat", "--patience", "3")));
        assertEquals(List.of("--data", "d", "--steps", "7", "--out", "r", "--resume", "--head", "flat", "--patience", "3"),
                args);
        List<String> help = ar.extraOptions();
        assertTrue(help.stream().anyMatch(l -> l.startsWith("--head factorized|flat")), help.toString());
        assertTrue(help.stream().noneMatch(l -> l.startsWith("--data") || l.startsWith("--resume")), help.toString());
        assertEquals(ImageArTrainMain.OPTIONS.size() - 4, help.size());
        assertTrue(entry("image-tokenizer").extraOptions().stream().anyMatch(l -> l.startsWith("--limit N")));
    }

    @Test
    void unknownFlagsBadNumbersAndMissingInputsFailBeforeAnythingStarts(@TempDir Path dir) {
        TrainingEntryPoint tok = entry("image-tokenizer");
        String unknown = assertThrows(IllegalArgumentException.class, () -> tok.train(
                new TrainingOptions(dir, 1L, dir, false, List.of("--batch", "4")))).getMessage();
        assertTrue(unknown.contains("unknown option --batch for image-tokenizer"), unknown);
        String bad = assertThrows(IllegalArgumentException.class, () -> tok.train(
                new TrainingOptions(dir, 1L, dir, false, List.of("--limit", "-2")))).getMessage();
        assertTrue(bad.contains("--limit needs a whole number >= 0, got '-2'"), bad);
        String head = assertThrows(IllegalArgumentException.class, () -> entry("image-ar").train(
                new TrainingOptions(dir, 1L, dir, false, List.of("--time")))).getMessage();
        assertTrue(head.contains("missing value after --time"), head);
        String noData = assertThrows(NoSuchFileException.class, () -> tok.train(
                new TrainingOptions(dir.resolve("none"), 1L, dir, false, List.of()))).getMessage();
        assertTrue(noData.contains("scripts/fetch-data emoji"), noData);
    }

    @Test
    void anArRunWithoutATokenizerNamesTheCommandThatMakesOne(@TempDir Path dir) throws Exception {
        ShapesGenerator.writeEmojiFolder(dir.resolve("data"), 12, 4, 1);
        String m = assertThrows(NoSuchFileException.class, () -> entry("image-ar").train(new TrainingOptions(
                dir.resolve("data"), 1L, dir, false, List.of("--tokenizer", dir.resolve("tok").toString())))).getMessage();
        assertTrue(m.contains("tessera train image-tokenizer"), m);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void trainsTheClassifierInAChildJvmAndExportsIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        ShapesGenerator.writeEmojiFolder(data, 48, 4, 2);
        Path export = dir.resolve("models/emoji-classifier");
        entry("emoji-classifier").train(new TrainingOptions(data, 3L, dir.resolve("run"), false,
                List.of("--export", export.toString(), "--config", "{\"batch\": 8, \"train\": {\"warmupSteps\": 1, \"validateEvery\": 3}}")));
        assertTrue(Checkpoint.exists(export, EmojiClassifier.NAME));
        assertTrue(Files.readString(export.resolve("MODEL_CARD.md")).contains("sha256"));
        assertFalse(Checkpoint.load(export, EmojiClassifier.NAME).config().getJsonArray("categories").isEmpty());
    }
}
