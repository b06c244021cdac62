package dev.tessera.tokenizers.json;

import dev.tessera.tokenizers.PreTokenizer;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.bpe.BpeModel;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import dev.tessera.tokenizers.pretokenize.MetaspacePreTokenizer;
import dev.tessera.tokenizers.unigram.UnigramModel;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code tokenizer.json}: we write only fields HF 0.21 reads, and read what we write plus HF's own
 * files of the same shape (merges as {@code ["a","b"]} or the older {@code "a b"}).
 *
 * <ul>
 *   <li>byte-level BPE with the GPT-2 pre-tokenizer: {@code ByteLevel} with {@code use_regex: true};</li>
 *   <li>byte-level with any other pre-tokenizer (the code variants): {@code ByteLevel} with
 *       {@code use_regex: false}, so HF maps each pre-split word without splitting it again;</li>
 *   <li>Metaspace (Unigram on text): {@code Metaspace}, prepend "always", split;</li>
 *   <li>identity (music): {@code null} pre-tokenizer and decoder.</li>
 * </ul>
 *
 * Unigram scores are written with at most 15 significant digits ({@link UnigramModel#jsonScore}), not with
 * {@code Double.toString}, so that HF's serde_json parse equals ours exactly.
 */
public final class TokenizerJson {

    private TokenizerJson() {
    }

    public static void write(SubwordTokenizer tokenizer, Path path) throws IOException {
        Files.writeString(path, toJson(tokenizer), StandardCharsets.UTF_8);
    }

    public static String toJson(SubwordTokenizer tokenizer) {
        SubwordModel model = tokenizer.model();
        JsonObject root = new JsonObject();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        JsonArray added = new JsonArray();
        for (String special : tokenizer.specialTokens().tokens()) {
            added.add(new JsonObject().put("id", model.id(special)).put("content", special)
                    .put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true));
        }
        root.put("added_tokens", added);
        root.putNull("normalizer");
        JsonObject pre = preTokenizerJson(tokenizer);
        root.put("pre_tokenizer", pre);
        root.putNull("post_processor");
        root.put("decoder", pre == null ? null : pre.copy());
        if (model instanceof BpeModel bpe) {
            root.put("model", bpeJson(bpe));
        } else if (model instanceof UnigramModel unigram) {
            root.put("model", unigramJson(unigram));
        } else {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                    "no tokenizer.json form for model " + model.getClass().getSimpleName());
        }
        return root.encodePrettily() + "\n";
    }

    private static JsonObject preTokenizerJson(SubwordTokenizer tokenizer) {
        switch (tokenizer.codec()) {
            case BYTE_LEVEL:
                return new JsonObject().put("type", "ByteLevel").put("add_prefix_space", false)
                        .put("trim_offsets", true)
                        .put("use_regex", tokenizer.preTokenizer() instanceof Gpt2PreTokenizer);
            case METASPACE:
                return new JsonObject().put("type", "Metaspace").put("replacement", String.valueOf(WordCodec.SPACE))
                        .put("prepend_scheme", "always").put("split", true);
            default:
                return null;
        }
    }

    private static JsonObject bpeJson(BpeModel bpe) {
        JsonObject vocab = new JsonObject();
        List<String> tokens = bpe.vocab();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        JsonArray merges = new JsonArray();
        for (BpeModel.Merge m : bpe.merges()) {
            merges.add(new JsonArray().add(m.left()).add(m.right()));
        }
        return new JsonObject().put("type", "BPE").putNull("dropout").putNull("unk_token")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false)
                .put("byte_fallback", false).put("ignore_merges", false).put("vocab", vocab).put("merges", merges);
    }

    private static JsonObject unigramJson(UnigramModel unigram) {
        JsonArray vocab = new JsonArray();
        for (int i = 0; i < unigram.vocabSize(); i++) {
            double score = unigram.score(i);
            if (!Double.isFinite(score)) {
                throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                        "piece " + i + " has score " + score + ", which JSON cannot hold");
            }
            vocab.add(new JsonArray().add(unigram.token(i)).add(UnigramModel.jsonScore(score)));
        }
        return new JsonObject().put("type", "Unigram").put("unk_id", unigram.unkId()).put("vocab", vocab)
                .put("byte_fallback", unigram.byteFallback());
    }

    /** Reads a file; a {@code ByteLevel} pre-tokenizer without regex becomes {@link PreTokenizer#WHOLE}. */
    public static SubwordTokenizer read(Path path) throws IOException {
        return read(path, null);
    }

    /**
     * Reads a file, with {@code preTokenizer} (when not null) in place of the one the file implies: HF files of
     * the code variants name only {@code ByteLevel} without regex, the split itself being ours.
     */
    public static SubwordTokenizer read(Path path, PreTokenizer preTokenizer) throws IOException {
        return fromJson(Files.readString(path, StandardCharsets.UTF_8), preTokenizer);
    }

    public static SubwordTokenizer fromJson(String json, PreTokenizer preTokenizerOverride) {
        JsonObject root;
        try {
            root = new JsonObject(json);
        } catch (DecodeException e) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE, "not valid JSON: " + e.getMessage(), e);
        }
        JsonObject modelJson = root.getJsonObject("model");
        if (modelJson == null) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE, "tokenizer.json has no \"model\"");
        }
        if (root.getValue("normalizer") != null) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "normalizers are not supported; expected \"normalizer\": null");
        }
        String type = modelJson.getString("type", "");
        SubwordModel model = switch (type) {
            case "BPE" -> readBpe(modelJson);
            case "Unigram" -> readUnigram(modelJson);
            default -> throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "model type " + type + " is not supported; expected BPE or Unigram");
        };
        List<String> specials = new ArrayList<>();
        JsonArray added = root.getJsonArray("added_tokens", new JsonArray());
        for (int i = 0; i < added.size(); i++) {
            JsonObject t = added.getJsonObject(i);
            String content = t.getString("content");
            int id = t.getInteger("id");
            if (model.id(content) != id) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE, "added token " + content + " has id "
                        + id + " but the model vocabulary gives " + model.id(content));
            }
            specials.add(content);
        }
        JsonObject pre = root.getJsonObject("pre_tokenizer");
        WordCodec codec;
        PreTokenizer preTokenizer;
        if (pre == null) {
            codec = WordCodec.IDENTITY;
            preTokenizer = PreTokenizer.WHOLE;
        } else {
            String preType = pre.getString("type", "");
            switch (preType) {
                case "ByteLevel" -> {
                    if (pre.getBoolean("add_prefix_space", true)) {
                        throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                                "ByteLevel with add_prefix_space true is not supported; expected false");
                    }
                    codec = WordCodec.BYTE_LEVEL;
                    preTokenizer = pre.getBoolean("use_regex", true) ? Gpt2PreTokenizer.INSTANCE : PreTokenizer.WHOLE;
                }
                case "Metaspace" -> {
                    if (!String.valueOf(WordCodec.SPACE).equals(pre.getString("replacement"))
                            || !"always".equals(pre.getString("prepend_scheme", "always"))
                            || !pre.getBoolean("split", true)) {
                        throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                                "only Metaspace with replacement \u2581, prepend_scheme always and split true "
                                        + "is supported, got " + pre.encode());
                    }
                    codec = WordCodec.METASPACE;
                    preTokenizer = MetaspacePreTokenizer.INSTANCE;
                }
                default -> throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "pre-tokenizer " + preType + " is not supported; expected ByteLevel, Metaspace or null");
            }
        }
        return new SubwordTokenizer(specials, preTokenizerOverride != null ? preTokenizerOverride : preTokenizer,
                codec, model);
    }

    private static BpeModel readBpe(JsonObject m) {
        for (String unsupported : List.of("continuing_subword_prefix", "end_of_word_suffix", "dropout", "unk_token")) {
            if (m.getValue(unsupported) != null) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "BPE option " + unsupported + " is not supported; expected null");
            }
        }
        if (m.getBoolean("byte_fallback", false) || m.getBoolean("ignore_merges", false)) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "BPE byte_fallback and ignore_merges are not supported; expected false");
        }
        JsonObject vocabJson = m.getJsonObject("vocab");
        String[] vocab = new String[vocabJson.size()];
        for (Map.Entry<String, Object> e : vocabJson) {
            int id = ((Number) e.getValue()).intValue();
            if (id < 0 || id >= vocab.length || vocab[id] != null) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "vocab ids must be contiguous from 0; " + e.getKey() + " has id " + id);
            }
            vocab[id] = e.getKey();
        }
        JsonArray mergesJson = m.getJsonArray("merges", new JsonArray());
        List<BpeModel.Merge> merges = new ArrayList<>(mergesJson.size());
        for (int i = 0; i < mergesJson.size(); i++) {
            Object entry = mergesJson.getValue(i);
            if (entry instanceof JsonArray pair && pair.size() == 2) {
                merges.add(new BpeModel.Merge(pair.getString(0), pair.getString(1)));
            } else if (entry instanceof String line && line.indexOf(' ') > 0
                    && line.indexOf(' ') == line.lastIndexOf(' ') && !line.endsWith(" ")) {
                int space = line.indexOf(' ');
                merges.add(new BpeModel.Merge(line.substring(0, space), line.substring(space + 1)));
            } else {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "merge " + i + " is neither [\"a\",\"b\"] nor \"a b\": " + entry);
            }
        }
        return new BpeModel(List.of(vocab), merges);
    }

    private static UnigramModel readUnigram(JsonObject m) {
        JsonArray vocabJson = m.getJsonArray("vocab");
        List<String> pieces = new ArrayList<>(vocabJson.size());
        double[] scores = new double[vocabJson.size()];
        for (int i = 0; i < vocabJson.size(); i++) {
            JsonArray entry = vocabJson.getJsonArray(i);
            pieces.add(entry.getString(0));
            scores[i] = ((Number) entry.getValue(1)).doubleValue();
        }
        Integer unkId = m.getInteger("unk_id");
        return new UnigramModel(pieces, scores, unkId == null ? -1 : unkId, m.getBoolean("byte_fallback", false));
    }
}
