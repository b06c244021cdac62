package dev.tessera.tokenizers.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.Note;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.Track;
import dev.tessera.tokenizers.music.WordSplit;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What to train, without Vert.x: validation, each pre-tokenizer, and files that read back to the same ids. */
class TrainingSpecTest {

    @TempDir
    Path dir;

    @Test
    void badSpecsAreRejectedNamingTheField() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> TrainingSpec.of("wordpiece", 100));
        assertTrue(e.getMessage().contains("bpe or unigram"), e.getMessage());
        e = assertThrows(TokenizerException.class, () -> TrainingSpec.fromJson(new JsonObject().put("type", "bpe")
                .put("vocabSize", 100).put("preTokenizer", "bert")));
        assertTrue(e.getMessage().contains("code-composite"), e.getMessage());
        e = assertThrows(TokenizerException.class, () -> TrainingSpec.fromJson(new JsonObject().put("type", "bpe")
                .put("vocabSize", 10.5)));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
        e = assertThrows(TokenizerException.class, () -> TrainingSpec.fromJson(new JsonObject().put("type", "bpe")
                .put("vocabSize", 500).put("layout", "midi-like")));
        assertTrue(e.getMessage().contains("remi or tsd"), e.getMessage());
        TrainingSpec defaults = TrainingSpec.fromJson(new JsonObject().put("type", "unigram").put("vocabSize", 500)
                .put("specialTokens", new JsonArray().add("<pad>")).put("layout", "tsd").put("split", "beat"));
        assertEquals("metaspace", defaults.preTokenizer());
        assertEquals(List.of("<pad>"), defaults.specialTokens());
        assertEquals(WordSplit.BEAT, defaults.split());
        assertEquals("gpt2", TrainingSpec.of("bpe", 300).preTokenizer());
    }

    @Test
    void everyPreTokenizerTrainsAndReadsBackToTheSameIds() throws Exception {
        List<String> all = HfReference.javaSources();
        List<String> docs = all.subList(0, 30);
        String probe = all.get(all.size() - 1);
        for (String type : List.of("bpe", "unigram")) {
            for (String pre : TrainingSpec.PRE_TOKENIZERS) {
                TrainingSpec spec = new TrainingSpec(type, 600, pre, List.of(), null, null, 16, 2);
                long[] calls = new long[1];
                ServedTokenizer trained = spec.trainText(docs, (done, total) -> calls[0]++);
                assertTrue(calls[0] > 0, "no progress from " + type + " " + pre);
                Path file = dir.resolve(type + "-" + pre + ".json");
                trained.write(file);
                ServedTokenizer back = ServedTokenizer.read(file);
                byte[] bytes = probe.getBytes(StandardCharsets.UTF_8);
                int[] ids = trained.encode(bytes);
                assertArrayEquals(ids, back.encode(bytes), type + " " + pre);
                assertArrayEquals(trained.decode(ids), back.decode(ids), type + " " + pre);
                if (!pre.equals("metaspace")) {
                    // Byte-level: lossless. Metaspace words have <unk> for characters outside the coverage.
                    assertArrayEquals(bytes, back.decode(ids), type + " " + pre);
                }
                if (pre.startsWith("code-")) {
                    // Only the side file says which code pre-tokenizer split the words.
                    assertTrue(((ServedTokenizer.Text) back).tokenizer().preTokenizer() instanceof CodePreTokenizer);
                }
            }
        }
    }

    @Test
    void musicSpecsTrainOnScoresAndServeMidi() throws Exception {
        List<Score> scores = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
            List<Note> notes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                notes.add(new Note(60 + (i * (f + 3)) % 14, 80, i * 240L, 240));
            }
            scores.add(new Score(480, List.of(new Track(0, false, notes)), List.of(), List.of()));
        }
        TrainingSpec spec = new TrainingSpec("unigram", 600, null, List.of(), "tsd", WordSplit.BEAT, 32, 2);
        ServedTokenizer trained = spec.trainMusic(scores, TrainerProgress.NONE);
        assertEquals("music", trained.kind());
        Path file = dir.resolve("music.json");
        trained.write(file);
        ServedTokenizer back = ServedTokenizer.read(file);
        byte[] midi = MidiFiles.toBytes(scores.get(1));
        int[] ids = back.encode(midi);
        assertArrayEquals(trained.encode(midi), ids);
        assertArrayEquals(ids, back.encode(back.decode(ids)));
        assertThrows(TokenizerException.class, () -> spec.trainText(List.of("text"), TrainerProgress.NONE));
        assertThrows(TokenizerException.class, () -> back.encode("not midi".getBytes(StandardCharsets.UTF_8)));
    }
}
