package dev.tessera.tokenizers.json;

import dev.tessera.tokenizers.TokenizerException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The side file {@code tokenizer.meta.json} next to a {@code tokenizer.json}: which trainer and code version made
 * it, with which configuration and pre-tokenizer, from which corpus (a SHA-256 over the documents), as MidiTok
 * records its versions.
 *
 * @param trainer       {@code bpe} or {@code unigram}
 * @param codeVersion   the tokenizers module version that trained it
 * @param preTokenizer  {@code gpt2}, {@code metaspace}, {@code code-fine}, {@code code-ident}, {@code code-composite}
 * @param config        the trainer configuration, as JSON
 * @param corpusSha256  hex SHA-256 of the training documents, each as UTF-8 followed by its length
 */
public record TokenizerMeta(String trainer, String codeVersion, String preTokenizer, JsonObject config,
        String corpusSha256) {

    public static final String FILE_NAME = "tokenizer.meta.json";

    /**
     * The side file of a tokenizer file: {@code tokenizer.json} gets {@code tokenizer.meta.json}, {@code x.json}
     * gets {@code x.meta.json}.
     */
    public static Path pathFor(Path tokenizerJson) {
        String name = tokenizerJson.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return tokenizerJson.resolveSibling(stem + ".meta.json");
    }

    /** The module version from the jar manifest, or "dev" when run from classes. */
    public static String moduleVersion() {
        String v = TokenizerMeta.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** SHA-256 over the documents in order; each is framed by its byte length so boundaries count. */
    public static String corpusHash(List<String> documents) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String doc : documents) {
                byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
                sha.update(bytes);
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("trainer", trainer).put("code_version", codeVersion)
                .put("pre_tokenizer", preTokenizer).put("config", config).put("corpus_sha256", corpusSha256);
    }

    public void write(Path path) throws IOException {
        Files.writeString(path, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
    }

    public static TokenizerMeta read(Path path) throws IOException {
        JsonObject json;
        try {
            json = new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
        } catch (DecodeException e) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE, path + " is not valid JSON", e);
        }
        for (String key : List.of("trainer", "code_version", "pre_tokenizer", "config", "corpus_sha256")) {
            if (!json.containsKey(key)) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE, path + " lacks \"" + key + "\"");
            }
        }
        return new TokenizerMeta(json.getString("trainer"), json.getString("code_version"),
                json.getString("pre_tokenizer"), json.getJsonObject("config"), json.getString("corpus_sha256"));
    }
}
