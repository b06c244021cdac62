package dev.tessera.tokenizers.bench;

import dev.tessera.tokenizers.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The JDK sources {@code scripts/fetch-data code} leaves under {@code data/code/}: {@code train/} and
 * {@code heldout/}, split once by a hash of each file's path. The benchmark trains on a fixed random subset of
 * the training files (seed 17), so that it fits a time budget, and measures on held-out files; encode
 * throughput needs more text than the held-out 10% holds, so its corpus continues with training files outside
 * the training subset, which no tokenizer has seen either.
 */
final class CodeCorpus {

    /** One source file: its path under {@code train/} or {@code heldout/}, and its text. */
    record Document(String path, String text, int utf8Bytes) {
    }

    private final List<Path> trainFiles;
    private final List<Path> heldOutFiles;
    private final Path root;

    private CodeCorpus(Path root, List<Path> trainFiles, List<Path> heldOutFiles) {
        this.root = root;
        this.trainFiles = trainFiles;
        this.heldOutFiles = heldOutFiles;
    }

    /** The corpus under {@code dataDir/code}, or null when it has not been fetched. */
    static CodeCorpus open(Path dataDir) throws IOException {
        Path root = dataDir.resolve("code");
        if (!Files.isDirectory(root.resolve("train")) || !Files.isDirectory(root.resolve("heldout"))) {
            return null;
        }
        List<Path> train = javaFiles(root.resolve("train"));
        Collections.shuffle(train, new Random(17));
        return new CodeCorpus(root, train, javaFiles(root.resolve("heldout")));
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f))
                    .sorted().toList());
        }
    }

    Path root() {
        return root;
    }

    int trainFileCount() {
        return trainFiles.size();
    }

    int heldOutFileCount() {
        return heldOutFiles.size();
    }

    /** The first training files of the fixed shuffle, up to {@code maxBytes} of UTF-8. */
    List<Document> training(long maxBytes) {
        return read(trainFiles, 0, maxBytes);
    }

    /** Held-out files in path order, up to {@code maxBytes}. */
    List<Document> heldOut(long maxBytes) {
        return read(heldOutFiles, 0, maxBytes);
    }

    /**
     * Unseen text for throughput: every held-out file, then training files after the first
     * {@code trainingFiles} of the shuffle, up to {@code maxBytes}.
     */
    List<Document> unseen(int trainingFiles, long maxBytes) {
        List<Document> docs = read(heldOutFiles, 0, maxBytes);
        long bytes = docs.stream().mapToLong(Document::utf8Bytes).sum();
        if (bytes < maxBytes) {
            docs.addAll(read(trainFiles, trainingFiles, maxBytes - bytes));
        }
        return docs;
    }

    /** Files from {@code from} on while the total stays within {@code maxBytes}; files that are not UTF-8 are skipped. */
    private static List<Document> read(List<Path> files, int from, long maxBytes) {
        List<Document> docs = new ArrayList<>();
        long bytes = 0;
        for (int i = from; i < files.size() && bytes < maxBytes; i++) {
            Path file = files.get(i);
            try {
                byte[] raw = Files.readAllBytes(file);
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
                docs.add(new Document(file.toString(), text, raw.length));
                bytes += raw.length;
            } catch (CharacterCodingException e) {
                // a few JDK sources are Latin-1; the corpus is UTF-8 text only
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return docs;
    }

    static List<String> texts(List<Document> docs) {
        return docs.stream().map(Document::text).toList();
    }

    static long bytes(List<Document> docs) {
        return docs.stream().mapToLong(Document::utf8Bytes).sum();
    }

    /**
     * Non-blank lines of the documents, without their line breaks: SentencePiece's one-sentence-per-line input.
     */
    static List<String> lines(List<Document> docs) {
        List<String> lines = new ArrayList<>();
        for (Document d : docs) {
            for (String line : d.text().split("\r?\n|\r")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    static long utf8Bytes(List<String> texts) {
        long n = 0;
        for (String t : texts) {
            n += Utf8.encode(t).length;
        }
        return n;
    }
}
