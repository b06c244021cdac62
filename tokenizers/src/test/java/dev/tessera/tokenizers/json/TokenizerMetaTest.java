package dev.tessera.tokenizers.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.tokenizers.TokenizerException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerMetaTest {

    @Test
    void writesAndReadsTheSideFile(@TempDir Path dir) throws Exception {
        TokenizerMeta meta = new TokenizerMeta("bpe", TokenizerMeta.moduleVersion(), "code-ident",
                new JsonObject().put("vocab_size", 16000), TokenizerMeta.corpusHash(List.of("a", "b")));
        Path file = dir.resolve(TokenizerMeta.FILE_NAME);
        meta.write(file);
        assertEquals(meta, TokenizerMeta.read(file));
        // Document boundaries count: ["ab"] is another corpus than ["a", "b"].
        assertNotEquals(TokenizerMeta.corpusHash(List.of("ab")), meta.corpusSha256());
        assertEquals(64, meta.corpusSha256().length());
        Files.writeString(file, "{\"trainer\":\"bpe\"}");
        assertEquals(TokenizerException.Code.BAD_FILE,
                assertThrows(TokenizerException.class, () -> TokenizerMeta.read(file)).code());
    }
}
