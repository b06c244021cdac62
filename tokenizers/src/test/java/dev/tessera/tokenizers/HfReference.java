package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/** The reference: HF tokenizers through DJL, loaded from a tokenizer.json we wrote, plus the parity corpus. */
public final class HfReference {

    /** Counts of one parity run, for the report line each test prints. */
    public record Parity(int documents, long utf8Bytes, long idsCompared, int mismatchedDocuments) {
    }

    private HfReference() {
    }

    public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build();
    }

    /**
     * Encodes every document with both and asserts equal ids. {@code words} null means plain text
     * ({@code encode(String)} on both); otherwise both get the same pre-split words.
     */
    public static Parity assertSameIds(Tokenizer ours, HuggingFaceTokenizer hf, List<String> documents,
            Function<String, List<String>> words) {
        long ids = 0;
        long bytes = 0;
        int mismatched = 0;
        String firstMismatch = null;
        for (int d = 0; d < documents.size(); d++) {
            String doc = documents.get(d);
            int[] mine;
            long[] theirs;
            if (words == null) {
                mine = ours.encode(doc);
                theirs = hf.encode(doc).getIds();
            } else {
                List<String> split = words.apply(doc);
                mine = ours.encodeWords(split);
                theirs = split.isEmpty() ? new long[0] : hf.encode(split.toArray(String[]::new)).getIds();
            }
            long[] mineLong = Arrays.stream(mine).asLongStream().toArray();
            if (!Arrays.equals(mineLong, theirs)) {
                mismatched++;
                if (firstMismatch == null) {
                    firstMismatch = "document " + d + " first difference at " + Arrays.mismatch(mineLong, theirs)
                            + ": ours " + mine.length + " ids, HF " + theirs.length;
                }
            }
            ids += theirs.length;
            bytes += Utf8.encode(doc).length;
        }
        Parity parity = new Parity(documents.size(), bytes, ids, mismatched);
        System.out.println("HF parity: " + parity);
        assertEquals(0, mismatched, firstMismatch);
        return parity;
    }

    /**
     * At least {@code minBytes} of mixed documents: synthetic text and code (every kind {@link TextCorpus} has),
     * documents with invalid UTF-8 decoded lossily (that is how invalid bytes reach HF: as U+FFFD, since its
     * input is always a valid string), and the Java sources of this repository.
     */
    public static List<String> parityCorpus(long seed, int minBytes) {
        List<String> docs = new ArrayList<>(javaSources());
        Random rnd = new Random(seed);
        long bytes = docs.stream().mapToLong(d -> Utf8.encode(d).length).sum();
        int k = 0;
        while (bytes < minBytes) {
            String doc = TextCorpus.generate(seed * 1000 + k, 2_000 + rnd.nextInt(20_000));
            if (k % 4 == 3) {
                doc = Utf8.decodeLossy(withInvalidBytes(Utf8.encode(doc), rnd));
            }
            docs.add(doc);
            bytes += Utf8.encode(doc).length;
            k++;
        }
        return docs;
    }

    /** Inserts stray continuation bytes, truncated sequences, overlongs and surrogate encodings. */
    public static byte[] withInvalidBytes(byte[] valid, Random rnd) {
        byte[][] junk = {{(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x9F}, {(byte) 0xFF}, {(byte) 0xF5},
            {(byte) 0xE2, (byte) 0x82}};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(valid.length + 64);
        for (byte b : valid) {
            if (rnd.nextInt(200) == 0) {
                byte[] j = junk[rnd.nextInt(junk.length)];
                out.write(j, 0, j.length);
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** The .java files of core and tokenizers, sorted by path (tests run in the tokenizers module folder). */
    public static List<String> javaSources() {
        List<Path> roots = List.of(Path.of("../core/src/main/java"), Path.of("src/main/java"));
        List<String> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    out.add(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
