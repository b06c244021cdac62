package dev.tessera.tokenizers;

import java.io.ByteArrayOutputStream;

/**
 * How a pre-tokenized word becomes a string in the model's alphabet, and how token strings become bytes again.
 * Each constant matches one Hugging Face pre-tokenizer/decoder pair that {@code tokenizer.json} names.
 */
public enum WordCodec {

    /** HF {@code ByteLevel}: each UTF-8 byte becomes its {@link ByteAlphabet} character; lossless. */
    BYTE_LEVEL {
        @Override
        public String toModel(String word, boolean chunkStart) {
            return ByteAlphabet.map(word);
        }

        @Override
        public void appendBytes(String token, boolean firstToken, ByteArrayOutputStream out) {
            for (int i = 0; i < token.length(); ) {
                int c = token.codePointAt(i);
                i += Character.charCount(c);
                int b = ByteAlphabet.byteOf(c);
                if (b >= 0) {
                    out.write(b);
                } else {
                    Utf8.appendCodePoint(c, out);
                }
            }
        }
    },

    /**
     * HF {@code Metaspace} ("always" prepend, split): spaces become '▁' (U+2581) and a chunk that does not start
     * with one gets one prepended. Decoding turns '▁' into spaces and, like HF, drops those of the first token.
     */
    METASPACE {
        @Override
        public String toModel(String word, boolean chunkStart) {
            String replaced = word.replace(' ', SPACE);
            return chunkStart && !replaced.isEmpty() && replaced.charAt(0) != SPACE ? SPACE + replaced : replaced;
        }

        @Override
        public void appendBytes(String token, boolean firstToken, ByteArrayOutputStream out) {
            for (int i = 0; i < token.length(); ) {
                int c = token.codePointAt(i);
                i += Character.charCount(c);
                if (c == SPACE) {
                    if (!firstToken) {
                        out.write(' ');
                    }
                } else {
                    Utf8.appendCodePoint(Character.isSurrogate((char) c) && c <= 0xFFFF ? 0xFFFD : c, out);
                }
            }
        }
    },

    /** Words are already in the model's alphabet (music characters); nothing is mapped. */
    IDENTITY {
        @Override
        public String toModel(String word, boolean chunkStart) {
            return word;
        }

        @Override
        public void appendBytes(String token, boolean firstToken, ByteArrayOutputStream out) {
            Utf8.encode(token, 0, token.length(), out);
        }
    };

    /** SentencePiece's visible space, U+2581. */
    public static final char SPACE = '\u2581';

    /** The model-alphabet form of a word; {@code chunkStart} is true for the first word after a special token. */
    public abstract String toModel(String word, boolean chunkStart);

    /** Appends the bytes a token string stands for. */
    public abstract void appendBytes(String token, boolean firstToken, ByteArrayOutputStream out);
}
