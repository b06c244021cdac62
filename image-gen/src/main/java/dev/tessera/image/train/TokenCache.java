package dev.tessera.image.train;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.SafeTensors;
import dev.tessera.core.checkpoint.SafeTensorsFile;
import dev.tessera.core.checkpoint.TensorData;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.eval.FileHashes;
import dev.tessera.image.lfq.LfqTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emoji set tokenized once by a frozen tokenizer (specs/image.md 2.4): every training image and its
 * flip (about 6,800 sequences) and every held-out image (no flip), cached in the run folder as
 * {@code tokens.safetensors} ({@code train.tokens}, {@code train.classes}, {@code heldOut.tokens},
 * {@code heldOut.classes}, I32) with the tokenizer's SHA-256 and the data source in its metadata. The cache
 * is used only when both match; another tokenizer tokenizes again.
 */
final class TokenCache {

    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);
    static final String FILE = "tokens.safetensors";

    /**
     * @param train training sequences (images, then their flips)
     * @param heldOut held-out sequences
     * @param tokenizerSha256 SHA-256 of the tokenizer's weights file
     */
    record Tokens(TokenSequences train, TokenSequences heldOut, String tokenizerSha256) {
    }

    private TokenCache() {
    }

    static Tokens loadOrTokenize(Path runDir, Path tokenizerDir, String tokenizerName, EmojiDataset data, int batch)
            throws IOException {
        String sha = FileHashes.sha256(Checkpoint.tensorsFile(tokenizerDir, tokenizerName));
        Path file = runDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            SafeTensorsFile f = SafeTensors.read(file);
            if (sha.equals(f.metadata().get("tokenizerSha256")) && data.source().equals(f.metadata().get("source"))) {
                int bits = Integer.parseInt(f.metadata().get("bits"));
                LOG.info("tokens: cached in {} (tokenizer {})", file, sha.substring(0, 12));
                return new Tokens(read(f, "train", bits), read(f, "heldOut", bits), sha);
            }
            LOG.warn("tokens: {} was made by another tokenizer or data set; tokenizing again", file);
        }
        long t0 = System.nanoTime();
        TokenSequences train;
        TokenSequences heldOut;
        try (NDManager manager = NDManager.newBaseManager()) {
            LfqTokenizer tokenizer = LfqTokenizer.load(tokenizerDir, tokenizerName, manager);
            train = TokenSequences.tokenize(tokenizer, data.train(), true, manager, batch);
            heldOut = TokenSequences.tokenize(tokenizer, data.heldOutSet(), false, manager, batch);
        }
        LOG.info("tokens: {} training sequences (images and flips) and {} held-out ones in {} s", train.count(),
                heldOut.count(), String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        put(tensors, "train", train);
        put(tensors, "heldOut", heldOut);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("tokenizerSha256", sha);
        meta.put("tokenizer", tokenizerDir.resolve(tokenizerName).toString());
        meta.put("source", data.source());
        meta.put("bits", Integer.toString(train.bits()));
        meta.put("trainLayout", "images then their horizontal flips");
        Files.createDirectories(runDir);
        SafeTensors.write(file, tensors, meta);
        return new Tokens(train, heldOut, sha);
    }

    private static void put(Map<String, TensorData> tensors, String prefix, TokenSequences s) {
        int[] t = new int[s.tokens().length];
        for (int i = 0; i < t.length; i++) {
            t[i] = (int) s.tokens()[i];
        }
        tensors.put(prefix + ".tokens", TensorData.ofInts(new long[] {s.count(), s.length()}, t));
        tensors.put(prefix + ".classes", TensorData.ofInts(new long[] {s.count()}, s.classes()));
    }

    private static TokenSequences read(SafeTensorsFile f, String prefix, int bits) throws IOException {
        TensorData t = f.tensor(prefix + ".tokens");
        long[] c = f.tensor(prefix + ".classes").toLongs();
        int[] classes = new int[c.length];
        for (int i = 0; i < c.length; i++) {
            classes[i] = (int) c[i];
        }
        return new TokenSequences(bits, (int) t.shape()[1], t.toLongs(), classes);
    }
}
