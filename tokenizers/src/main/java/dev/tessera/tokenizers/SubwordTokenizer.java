package dev.tessera.tokenizers;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;

/**
 * The tokenizer pipeline HF runs: special tokens are split out, the rest is pre-tokenized into words, each word
 * is mapped into the model's alphabet by a {@link WordCodec} and encoded by a {@link SubwordModel}.
 */
public final class SubwordTokenizer implements Tokenizer {

    private final SpecialTokens specials;
    private final PreTokenizer preTokenizer;
    private final WordCodec codec;
    private final SubwordModel model;

    public SubwordTokenizer(List<String> specialTokens, PreTokenizer preTokenizer, WordCodec codec,
            SubwordModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.specials = new SpecialTokens(specialTokens, model);
    }

    public SpecialTokens specialTokens() {
        return specials;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    public WordCodec codec() {
        return codec;
    }

    public SubwordModel model() {
        return model;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 8);
        specials.split(text, new SpecialTokens.Sink() {
            @Override
            public void text(String chunk) {
                List<String> words = preTokenizer.split(chunk);
                for (int i = 0; i < words.size(); i++) {
                    model.encodeWord(codec.toModel(words.get(i), i == 0), out);
                }
            }

            @Override
            public void special(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    /**
     * Like {@link #encode}, but each word's segmentation is sampled with probability proportional to
     * exp(theta * score) (Unigram only); the same seed gives the same ids.
     */
    public int[] sample(String text, double theta, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        IntList out = new IntList(text.length() / 3 + 8);
        specials.split(text, new SpecialTokens.Sink() {
            @Override
            public void text(String chunk) {
                List<String> words = preTokenizer.split(chunk);
                for (int i = 0; i < words.size(); i++) {
                    model.sampleWord(codec.toModel(words.get(i), i == 0), theta, rnd, out);
                }
            }

            @Override
            public void special(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    @Override
    public int[] encodeWords(List<String> words) {
        IntList out = new IntList(words.size() * 2 + 8);
        SpecialTokens.Sink sink = new SpecialTokens.Sink() {
            @Override
            public void text(String chunk) {
                model.encodeWord(codec.toModel(chunk, true), out);
            }

            @Override
            public void special(int id) {
                out.add(id);
            }
        };
        for (String word : words) {
            specials.split(word, sink);
        }
        return out.toArray();
    }

    /**
     * Ids of arbitrary bytes, valid UTF-8 or not (byte-level codec only): valid runs are encoded as text, and each
     * byte of an invalid sequence is a word of its own, so {@code decodeBytes(encodeBytes(b))} equals {@code b}.
     */
    public int[] encodeBytes(byte[] bytes) {
        if (codec != WordCodec.BYTE_LEVEL) {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                    "encodeBytes needs a byte-level tokenizer, this one is " + codec);
        }
        IntList out = new IntList(bytes.length / 3 + 8);
        int runStart = 0;
        int i = 0;
        while (i < bytes.length) {
            int len = Utf8.sequenceLength(bytes, i, bytes.length);
            if (len > 0) {
                i += len;
                continue;
            }
            if (i > runStart) {
                out.addAll(encode(new String(bytes, runStart, i - runStart, java.nio.charset.StandardCharsets.UTF_8)));
            }
            for (int k = 0; k < -len; k++) {
                model.encodeWord(ByteAlphabet.stringOf(bytes[i + k]), out);
            }
            i += -len;
            runStart = i;
        }
        if (i > runStart) {
            out.addAll(encode(new String(bytes, runStart, i - runStart, java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out.toArray();
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            int b = model.byteValue(id);
            if (b >= 0) {
                out.write(b);
            } else if (specials.isSpecial(id)) {
                String token = model.token(id);
                Utf8.encode(token, 0, token.length(), out);
            } else {
                codec.appendBytes(model.token(id), i == 0, out);
            }
        }
        return out.toByteArray();
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public String token(int id) {
        return model.token(id);
    }

    @Override
    public int id(String token) {
        return model.id(token);
    }
}
