package dev.tessera.tokenizers.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.TextCorpus;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.Note;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.Track;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite end to end on a tiny data folder made here (this repository's sources as "JDK" code, generated
 * MIDI), with one pass per figure: it must find itself through {@link ServiceLoader}, fill every section, and
 * its parity and round-trip checks must hold. Figures from so little data mean nothing.
 */
class TokenizersBenchTest {

    @TempDir
    static Path data;

    private static void writeData() throws Exception {
        List<String> sources = new ArrayList<>(HfReference.javaSources());
        for (int i = 0; i < 20; i++) {
            sources.add(TextCorpus.generate(900 + i, 6_000));
        }
        for (int i = 0; i < sources.size(); i++) {
            Path file = data.resolve("code").resolve(i % 10 == 0 ? "heldout" : "train").resolve("m/F" + i + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sources.get(i), StandardCharsets.UTF_8);
        }
        Files.writeString(data.resolve("code/train/m/Latin1.java"), "", StandardCharsets.UTF_8);
        Files.write(data.resolve("code/train/m/Latin1.java"), new byte[] {'/', '/', ' ', (byte) 0xE9, '\n'});
        Random r = new Random(5);
        Files.createDirectories(data.resolve("midi"));
        for (int f = 0; f < 12; f++) {
            List<Note> melody = new ArrayList<>();
            List<Note> bass = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                melody.add(new Note(60 + r.nextInt(24), 40 + r.nextInt(80), i * 240L, 120 + r.nextInt(360)));
                if (i % 4 == 0) {
                    bass.add(new Note(36 + r.nextInt(12), 90, i * 240L, 960));
                }
            }
            Score score = new Score(480, List.of(new Track(0, false, melody), new Track(33, false, bass)), List.of(),
                    List.of());
            MidiFiles.write(score, data.resolve("midi/piece" + f + ".mid"));
        }
        Files.writeString(data.resolve("midi/broken.mid"), "not midi");
    }

    @Test
    void everySectionReportsItsFiguresWithChecksThatHold() throws Exception {
        writeData();
        BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("tokenizers")).findFirst().orElseThrow();
        BenchReport report = suite.run(new BenchOptions(false, Map.of("data", data.toString(), "encodeMb", "0.3",
                "trainMb", "0.3", "heldoutMb", "0.2", "vocab", "600", "spmVocab", "800", "codeVocabs", "500",
                "musicVocabs", "600", "warmup", "0", "reps", "1")));
        System.out.print(report.toTable());
        List<Map<String, Object>> rows = report.rows();

        List<Map<String, Object>> encode = section(rows, "encode");
        assertEquals(5 + 4, encode.size(), "BPE: 2 one-thread references, cache off, 2 all-core; Unigram: the same "
                + "without cache off");
        for (Map<String, Object> row : encode) {
            assertTrue(row.get("check").toString().startsWith("ids equal on all"), row.toString());
            assertTrue((Double) row.get("ratio") > 0, row.toString());
        }

        List<Map<String, Object>> train = section(rows, "train");
        if (SentencePieceCli.find() == null) {
            assertEquals(1, train.size());
            assertTrue(train.get(0).get("check").toString().contains("apt-get install sentencepiece"));
        } else {
            assertEquals((3 + 2) * 3, train.size(), "unigram (3 variants) and bpe (2), three figures each");
            for (Map<String, Object> row : train) {
                assertTrue((Double) row.get("reference") > 0, row.toString());
            }
        }

        List<Map<String, Object>> code = section(rows, "code");
        assertEquals(2 * 4 * 3, code.size(), "2 trainers, 4 pre-tokenizers, 3 figures");
        for (Map<String, Object> row : code) {
            assertFalse(row.get("check").toString().contains("EXACT ON"), row.toString());
        }
        assertEquals(1.0, (Double) code.get(0).get("ratio"), 1e-12, "gpt2+BPE is its own reference");

        List<Map<String, Object>> music = section(rows, "music");
        assertEquals(2 * 4 * 2, music.size(), "REMI+ and TSD, BPE and 3 Unigram lengths, 2 figures");
        for (Map<String, Object> row : music) {
            if (row.get("metric").equals("tokens/bar")) {
                String check = row.get("check").toString();
                assertTrue(check.contains("round trip exact") && check.contains("PCE and SI unchanged"), check);
                assertTrue((Double) row.get("ratio") < 1, "subwords must shorten the events: " + row);
            }
        }
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("unreadable: broken.mid")), report.notes().toString());
    }

    @Test
    void missingDataIsReportedAsSkippedSections() throws Exception {
        BenchReport report = new TokenizersBench().run(new BenchOptions(true, Map.of("data",
                data.resolve("nothing-here").toString())));
        assertEquals(List.of("code data", "music"), report.rows().stream().map(r -> r.get("section").toString()).toList());
        assertTrue(report.rows().get(0).get("check").toString().contains("scripts/fetch-data code"));
        assertTrue(report.rows().get(1).get("check").toString().contains("scripts/fetch-data midi"));
    }

    @Test
    void spmWordsKeepRunsOfSpacesBeforeTheLastOne() {
        assertEquals(List.of("   ", " return", " x;"), SentencePieceWords.INSTANCE.split("    return x;"));
        assertEquals(List.of("a", " ", " b", "  "), SentencePieceWords.INSTANCE.split("a  b  "));
        assertEquals(List.of("\tint"), SentencePieceWords.INSTANCE.split("\tint"));
    }

    @Test
    void identifierPunctuationTokensNeedBothKinds() {
        assertTrue(TokenizersBench.joinsIdentifierAndPunctuation(".get("));
        assertTrue(TokenizersBench.joinsIdentifierAndPunctuation("x)"));
        assertFalse(TokenizersBench.joinsIdentifierAndPunctuation(" return"));
        assertFalse(TokenizersBench.joinsIdentifierAndPunctuation("();"));
        assertFalse(TokenizersBench.joinsIdentifierAndPunctuation("\n    "));
    }

    private static List<Map<String, Object>> section(List<Map<String, Object>> rows, String name) {
        return rows.stream().filter(r -> r.get("section").equals(name)).toList();
    }
}
