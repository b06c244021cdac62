package dev.tessera.tokenizers.unigram;

import dev.tessera.tokenizers.TokenizerException;
import java.util.List;

/**
 * Configuration of {@link UnigramTrainer}, with SentencePiece's defaults.
 *
 * @param vocabSize           final size: special tokens, byte pieces and learned pieces together
 * @param specialTokens       ids from 0 in this order, score 0.0; {@code unkToken} is put first unless listed
 * @param unkToken            the unknown piece ({@code <unk>})
 * @param characterCoverage   share of character occurrences the required characters cover (0.98-1.0)
 * @param requiredCharacters  characters required whatever their count (the 256 byte characters, music
 *                            characters)
 * @param maxPieceLength      longest seed piece in characters (16)
 * @param seedSize            seed pieces kept, required characters included (1,000,000)
 * @param numSubIterations    EM rounds between prunings (2)
 * @param shrinkingFactor     share of pieces a pruning keeps (0.75)
 * @param byteFallback        adds the 256 pieces {@code <0x00>}..{@code <0xFF>} after the special tokens
 * @param threads             E-step partitions; the same count gives bit-identical output
 */
public record UnigramTrainerConfig(int vocabSize, List<String> specialTokens, String unkToken,
        double characterCoverage, String requiredCharacters, int maxPieceLength, int seedSize, int numSubIterations,
        double shrinkingFactor, boolean byteFallback, int threads) {

    public UnigramTrainerConfig {
        specialTokens = List.copyOf(specialTokens);
        if (characterCoverage < 0.98 || characterCoverage > 1.0) {
            throw bad("characterCoverage must be in [0.98, 1.0], got " + characterCoverage);
        }
        if (shrinkingFactor <= 0 || shrinkingFactor >= 1) {
            throw bad("shrinkingFactor must be in (0, 1), got " + shrinkingFactor);
        }
        if (maxPieceLength < 1 || seedSize < 1 || numSubIterations < 1 || threads < 1) {
            throw bad("maxPieceLength, seedSize, numSubIterations and threads must be >= 1");
        }
        int fixed = specialTokens.size() + (specialTokens.contains(unkToken) ? 0 : 1) + (byteFallback ? 256 : 0);
        if (vocabSize <= fixed) {
            throw bad("vocabSize " + vocabSize + " leaves no room for pieces after " + fixed + " fixed tokens");
        }
    }

    private static TokenizerException bad(String message) {
        return new TokenizerException(TokenizerException.Code.BAD_CONFIG, message);
    }

    /** SentencePiece's defaults for text: coverage 0.9995, pieces up to 16, 1M seeds, 2 sub-iterations, 0.75. */
    public static UnigramTrainerConfig defaults(int vocabSize) {
        return new UnigramTrainerConfig(vocabSize, List.of(), "<unk>", 0.9995, "", 16, 1_000_000, 2, 0.75, false,
                Runtime.getRuntime().availableProcessors());
    }

    public UnigramTrainerConfig withSpecialTokens(List<String> value) {
        return new UnigramTrainerConfig(vocabSize, value, unkToken, characterCoverage, requiredCharacters,
                maxPieceLength, seedSize, numSubIterations, shrinkingFactor, byteFallback, threads);
    }

    public UnigramTrainerConfig withCharacterCoverage(double value, String required) {
        return new UnigramTrainerConfig(vocabSize, specialTokens, unkToken, value, required, maxPieceLength,
                seedSize, numSubIterations, shrinkingFactor, byteFallback, threads);
    }

    public UnigramTrainerConfig withMaxPieceLength(int value) {
        return new UnigramTrainerConfig(vocabSize, specialTokens, unkToken, characterCoverage, requiredCharacters,
                value, seedSize, numSubIterations, shrinkingFactor, byteFallback, threads);
    }

    public UnigramTrainerConfig withByteFallback(boolean value) {
        return new UnigramTrainerConfig(vocabSize, specialTokens, unkToken, characterCoverage, requiredCharacters,
                maxPieceLength, seedSize, numSubIterations, shrinkingFactor, value, threads);
    }

    public UnigramTrainerConfig withThreads(int value) {
        return new UnigramTrainerConfig(vocabSize, specialTokens, unkToken, characterCoverage, requiredCharacters,
                maxPieceLength, seedSize, numSubIterations, shrinkingFactor, byteFallback, value);
    }
}
