package dev.tessera.tokenizers;

import java.util.List;

/**
 * A trained subword tokenizer: text to token ids and back. Implementations are immutable and safe to share
 * between threads.
 */
public interface Tokenizer {

    /** Token ids of {@code text}: special tokens are split out first, the rest is pre-tokenized and encoded. */
    int[] encode(String text);

    /**
     * Token ids of input that is already split into words (music, or the code pre-tokenizers): each word is
     * encoded on its own and never split again, as Hugging Face treats pre-tokenized input.
     */
    int[] encodeWords(List<String> words);

    /** The exact bytes the ids stand for; lossless for byte-level tokenizers. */
    byte[] decodeBytes(int[] ids);

    /** {@link #decodeBytes} as text; invalid UTF-8 becomes U+FFFD as Rust's {@code from_utf8_lossy} does. */
    default String decode(int[] ids) {
        return Utf8.decodeLossy(decodeBytes(ids));
    }

    int vocabSize();

    /** The token string of {@code id} in the model's alphabet (byte characters for byte-level BPE). */
    String token(int id);

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    int id(String token);
}
