package dev.tessera.tokenizers.bpe;

import dev.tessera.tokenizers.ByteAlphabet;
import dev.tessera.tokenizers.TokenizerException;
import java.util.List;

/**
 * Configuration of {@link BpeTrainer}, with HF {@code BpeTrainer}'s meaning for each field.
 *
 * @param vocabSize        the vocabulary size to reach, special tokens and alphabet included
 * @param minFrequency     merges of pairs seen fewer times stop training (0 and 1 both mean "any")
 * @param specialTokens    ids 0.. in this order
 * @param initialAlphabet  characters always in the alphabet even if no word has them (the 256 byte characters
 *                         for byte-level BPE)
 * @param maxTokenLength   longest token in initial characters; 0 turns the limit off (HF's default)
 * @param threads          words rewritten in parallel per merge; the result does not depend on it
 */
public record BpeTrainerConfig(int vocabSize, long minFrequency, List<String> specialTokens, String initialAlphabet,
        int maxTokenLength, int threads) {

    public BpeTrainerConfig {
        if (vocabSize < 1) {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "vocabSize must be >= 1, got " + vocabSize);
        }
        if (minFrequency < 0 || maxTokenLength < 0 || threads < 1) {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                    "minFrequency and maxTokenLength must be >= 0 and threads >= 1, got " + minFrequency + ", "
                            + maxTokenLength + ", " + threads);
        }
        specialTokens = List.copyOf(specialTokens);
    }

    /** Byte-level BPE: the 256 byte characters as the initial alphabet, no length limit. */
    public static BpeTrainerConfig byteLevel(int vocabSize, List<String> specialTokens) {
        return new BpeTrainerConfig(vocabSize, 0, specialTokens, ByteAlphabet.characters(), 0,
                Runtime.getRuntime().availableProcessors());
    }

    public BpeTrainerConfig withMinFrequency(long value) {
        return new BpeTrainerConfig(vocabSize, value, specialTokens, initialAlphabet, maxTokenLength, threads);
    }

    public BpeTrainerConfig withMaxTokenLength(int value) {
        return new BpeTrainerConfig(vocabSize, minFrequency, specialTokens, initialAlphabet, value, threads);
    }

    public BpeTrainerConfig withThreads(int value) {
        return new BpeTrainerConfig(vocabSize, minFrequency, specialTokens, initialAlphabet, maxTokenLength, value);
    }
}
