package dev.tessera.audio.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest reader shared by the speech and the music corpus. */
class SpeechCorpusTest {

    @Test
    void aMissingManifestNamesTheCommandThatMakesThatCorpus(@TempDir Path dir) throws Exception {
        Path music = Files.createDirectories(dir.resolve("music"));
        NoSuchFileException m = assertThrows(NoSuchFileException.class, () -> SpeechCorpus.load(music, "test", 2));
        assertTrue(m.getMessage().contains("scripts/fetch-data music"), m.getMessage());
        Path speech = Files.createDirectories(dir.resolve("speech"));
        NoSuchFileException s = assertThrows(NoSuchFileException.class, () -> SpeechCorpus.load(speech, "val", 0));
        assertTrue(s.getMessage().contains("scripts/fetch-data speech"), s.getMessage());
    }
}
