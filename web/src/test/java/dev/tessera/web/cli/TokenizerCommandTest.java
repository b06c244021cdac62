package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.Note;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.Track;
import dev.tessera.web.cli.TesseraCommandTest.Run;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera tokenizer train|encode|decode} in-process: round trips through files, and the usage errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenizerCommandTest {

    @TempDir
    Path dir;

    private static Run run(String... args) {
        return TesseraCommandTest.run(args);
    }

    private Path sources() throws Exception {
        Path corpus = dir.resolve("corpus");
        Files.createDirectories(corpus.resolve("deep"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("../core/src/main/java"))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().limit(40).toList();
        }
        for (int i = 0; i < files.size(); i++) {
            Files.copy(files.get(i), corpus.resolve((i % 2 == 0 ? "" : "deep/") + "F" + i + ".java"));
        }
        Files.write(corpus.resolve("latin1.java"), new byte[] {'/', '/', (byte) 0xE9});
        return corpus;
    }

    private static int[] ids(String json) {
        JsonArray array = new JsonArray(json.strip());
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.getInteger(i);
        }
        return ids;
    }

    @Test
    void trainEncodeDecodeGivesTheFileBackByteForByte() throws Exception {
        Path corpus = sources();
        Path tokenizer = dir.resolve("out/code.json");
        Run train = run("tokenizer", "train", "--type", "bpe", "--vocab", "800", "--pre-tokenizer", "code-ident",
                "--input", corpus.toString(), "--glob", "*.java", "--out", tokenizer.toString(), "--threads", "2");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("vocabulary 800 from 40 files") && train.out().contains("1 skipped as not UTF-8"),
                train.out());
        assertTrue(train.err().contains("100%"), "progress lines without a terminal: " + train.err());
        assertTrue(Files.exists(dir.resolve("out/code.meta.json")));

        Path file = dir.resolve("Sample.java");
        Files.writeString(file, "class Sample { String s = \"é ☃\"; }\n", StandardCharsets.UTF_8);
        Run encode = run("tokenizer", "encode", "--tokenizer", tokenizer.toString(), file.toString());
        assertEquals(0, encode.exitCode(), encode.err());
        int[] ids = ids(encode.out());
        assertTrue(ids.length > 5 && ids.length < 40, encode.out());

        Path idsFile = dir.resolve("ids.json");
        Files.writeString(idsFile, encode.out());
        Path back = dir.resolve("Back.java");
        Run decode = run("tokenizer", "decode", "--tokenizer", tokenizer.toString(), idsFile.toString(), "--out",
                back.toString());
        assertEquals(0, decode.exitCode(), decode.err());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
    }

    @Test
    void musicTokenizersEncodeMidiAndDecodeToMidi() throws Exception {
        Path midi = dir.resolve("midi");
        Files.createDirectories(midi);
        Random r = new Random(11);
        for (int f = 0; f < 6; f++) {
            List<Note> notes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                notes.add(new Note(60 + r.nextInt(12), 64 + 16 * r.nextInt(3), i * 240L, 240));
            }
            MidiFiles.write(new Score(480, List.of(new Track(0, false, notes)), List.of(), List.of()),
                    midi.resolve("p" + f + ".mid"));
        }
        Files.writeString(midi.resolve("notes.txt"), "not a MIDI file, and not matched by the default glob");
        Path tokenizer = dir.resolve("tsd.json");
        Run train = run("tokenizer", "train", "--type", "unigram", "--vocab", "600", "--music", "tsd", "--input",
                midi.toString(), "--out", tokenizer.toString(), "--threads", "2");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("from 6 files"), train.out());

        Run encode = run("tokenizer", "encode", "--tokenizer", tokenizer.toString(), midi.resolve("p2.mid").toString());
        assertEquals(0, encode.exitCode(), encode.err());
        Path idsFile = dir.resolve("ids.json");
        Files.writeString(idsFile, encode.out());
        Path decoded = dir.resolve("decoded.mid");
        assertEquals(0, run("tokenizer", "decode", "--tokenizer", tokenizer.toString(), idsFile.toString(), "--out",
                decoded.toString()).exitCode());
        Run again = run("tokenizer", "encode", "--tokenizer", tokenizer.toString(), decoded.toString());
        assertArrayEquals(ids(encode.out()), ids(again.out()), "MIDI -> ids -> MIDI -> the same ids");
    }

    @Test
    void mistakesAreUsageErrorsOrOneLineFailures() throws Exception {
        Path corpus = sources();
        Run noType = run("tokenizer", "train", "--vocab", "100", "--input", corpus.toString(), "--out", "x.json");
        assertEquals(2, noType.exitCode());
        assertTrue(noType.err().contains("--type"), noType.err());
        Run badType = run("tokenizer", "train", "--type", "wordpiece", "--vocab", "500", "--input", corpus.toString(),
                "--out", dir.resolve("x.json").toString());
        assertEquals(2, badType.exitCode());
        assertTrue(badType.err().contains("bpe or unigram"), badType.err());
        Run notDir = run("tokenizer", "train", "--type", "bpe", "--vocab", "500", "--input", "no/such/dir", "--out",
                dir.resolve("x.json").toString());
        assertEquals(2, notDir.exitCode());
        Run noMatch = run("tokenizer", "train", "--type", "bpe", "--vocab", "500", "--input", corpus.toString(),
                "--glob", "*.py", "--out", dir.resolve("x.json").toString());
        assertEquals(2, noMatch.exitCode());
        assertTrue(noMatch.err().contains("*.py"), noMatch.err());

        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"model\": ");
        Run badTokenizer = run("tokenizer", "encode", "--tokenizer", notJson.toString(), notJson.toString());
        assertEquals(1, badTokenizer.exitCode());
        assertTrue(badTokenizer.err().contains("not valid JSON") && badTokenizer.err().lines().count() == 1,
                badTokenizer.err());
        Run missingSub = run("tokenizer");
        assertEquals(2, missingSub.exitCode());
        assertTrue(missingSub.err().contains("train, encode or decode"), missingSub.err());
    }

    @Test
    void helpShowsTheThreeCommandsWithExamples() {
        Run help = run("tokenizer", "--help");
        assertEquals(0, help.exitCode());
        for (String command : List.of("train", "encode", "decode")) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")), command + "\n" + help.out());
        }
        Run trainHelp = run("tokenizer", "train", "--help");
        for (String option : List.of("--type", "--vocab", "--input", "--out", "--pre-tokenizer", "--music", "--split",
                "--glob", "Examples:")) {
            assertTrue(trainHelp.out().contains(option), option + "\n" + trainHelp.out());
        }
        assertTrue(run("--help").out().lines().anyMatch(l -> l.strip().startsWith("tokenizer ")));
    }
}
