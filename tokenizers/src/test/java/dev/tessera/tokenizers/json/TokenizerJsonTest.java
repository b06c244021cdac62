package dev.tessera.tokenizers.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.bpe.BpeModel;
import org.junit.jupiter.api.Test;

class TokenizerJsonTest {

    private static final String HEAD = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
            + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
            + "\"trim_offsets\":true,\"use_regex\":true},\"post_processor\":null,\"decoder\":null,";

    @Test
    void readsOldStyleMergeStrings() {
        String json = HEAD + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}}";
        SubwordTokenizer t = TokenizerJson.fromJson(json, null);
        assertEquals(new BpeModel.Merge("a", "b"), ((BpeModel) t.model()).merges().get(0));
        assertEquals(2, t.encode("ab")[0]);
    }

    @Test
    void rejectsWhatItCannotHonour() {
        String gaps = HEAD + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":2},\"merges\":[]}}";
        assertEquals(TokenizerException.Code.BAD_FILE,
                assertThrows(TokenizerException.class, () -> TokenizerJson.fromJson(gaps, null)).code());
        String wordPiece = HEAD + "\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}";
        assertEquals(TokenizerException.Code.BAD_FILE,
                assertThrows(TokenizerException.class, () -> TokenizerJson.fromJson(wordPiece, null)).code());
        String badMerge = HEAD + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a a a\"]}}";
        assertEquals(TokenizerException.Code.BAD_FILE,
                assertThrows(TokenizerException.class, () -> TokenizerJson.fromJson(badMerge, null)).code());
    }
}
