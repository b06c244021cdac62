package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads real MIDI files from {@code data/midi} ({@code scripts/fetch-data midi}) when they are there, and
 * is skipped when they are not: each file is read, written and read back, and encoded with REMI+ and TSD
 * (tempos on), decoded to MIDI and encoded again to the same events. By default it reads the first three files (sorted by name); with
 * {@code -Dtessera.midi.all=true} it reads every file and prints a summary.
 */
class DataMidiSmokeTest {

    private static List<Path> files() throws IOException {
        Path dir = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).resolve("data/midi");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("..", "data", "midi");
        }
        assumeTrue(Files.isDirectory(dir), "no data/midi; run scripts/fetch-data midi");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.midi?")).sorted().toList();
            assumeTrue(!all.isEmpty(), "data/midi holds no .mid files");
            return Boolean.getBoolean("tessera.midi.all") ? all : all.subList(0, Math.min(3, all.size()));
        }
    }

    @Test
    void realFilesAreReadWrittenBackAndTokenizedBothWays() throws IOException {
        List<Path> files = files();
        long notes = 0;
        long remiTokens = 0;
        long tsdTokens = 0;
        long words = 0;
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            try {
                Score score = MidiFiles.read(file);
                assertTrue(score.noteCount() > 0, file + " has no notes");
                Score again = MidiFiles.read(MidiFiles.toBytes(score));
                assertEquals(ScoreAssertions.notesByInstrument(score), ScoreAssertions.notesByInstrument(again), file.toString());
                MusicTokenizerConfig config = MusicTokenizerConfig.defaultsFor(score).withTempos(true);
                for (MusicTokenizer tokenizer : List.of(MusicTokenizer.remi(config), MusicTokenizer.tsd(config))) {
                    TokenSequence tokens = tokenizer.encode(score);
                    TokenSequence back = tokenizer.encode(MidiFiles.read(MidiFiles.toBytes(tokenizer.decode(tokens.ids()))));
                    assertEquals(tokens, back, file + ": tokens -> MIDI -> tokens");
                    if (tokenizer instanceof RemiTokenizer) {
                        remiTokens += tokens.size();
                        words += tokens.words().size();
                    } else {
                        tsdTokens += tokens.size();
                    }
                }
                notes += score.noteCount();
            } catch (MidiFormatException e) {
                failures.add(e.code() + " " + e.getMessage());
            }
        }
        System.out.printf("data/midi smoke check: %d files read, %d notes, %d failures; REMI+ %d events in %d bar words,"
                + " TSD %d events%n", files.size() - failures.size(), notes, failures.size(), remiTokens, words, tsdTokens);
        failures.forEach(f -> System.out.println("  " + f));
        assertEquals(List.of(), failures);
    }
}
