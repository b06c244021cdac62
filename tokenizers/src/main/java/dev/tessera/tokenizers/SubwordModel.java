package dev.tessera.tokenizers;

/** A subword model (BPE or Unigram): one word, already in the model's alphabet, to ids. Thread-safe. */
public interface SubwordModel {

    /** Appends the ids of {@code word} to {@code out}. */
    void encodeWord(String word, IntList out);

    int vocabSize();

    /** The piece of {@code id}; throws {@link TokenizerException} with {@code UNKNOWN_ID} when out of range. */
    String token(int id);

    /** The id of {@code token}, or -1. */
    int id(String token);

    /**
     * Appends one sampled segmentation of {@code word}, with probability proportional to exp(theta * score)
     * (subword regularization). Only Unigram models sample; the others reject the call.
     */
    default void sampleWord(String word, double theta, java.util.Random rnd, IntList out) {
        throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                "sampling segmentations needs a Unigram model, this is " + getClass().getSimpleName());
    }

    /** The byte a byte-fallback piece ({@code <0x41>}) stands for, or -1 for every other piece. */
    default int byteValue(int id) {
        return -1;
    }
}
