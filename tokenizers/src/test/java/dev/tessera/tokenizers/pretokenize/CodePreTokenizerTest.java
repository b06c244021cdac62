package dev.tessera.tokenizers.pretokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.TextCorpus;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodePreTokenizerTest {

    private static List<String> split(Variant v, String text) {
        return new CodePreTokenizer(v).split(text);
    }

    @Test
    void newlinePlusIndentationIsOneWord() {
        String code = "if (x) {\n    return a;\r\n  }\n\n\tz";
        for (Variant v : List.of(Variant.CODE_FINE, Variant.CODE_IDENT, Variant.CODE_COMPOSITE)) {
            List<String> words = split(v, code);
            assertTrue(words.contains("\n    "), v + ": " + words);
            assertTrue(words.contains("\r\n  "), v + ": " + words);
            assertTrue(words.contains("\n") && words.contains("\n\t"), v + ": " + words);
        }
    }

    @Test
    void codeFineSplitsIdentifierParts() {
        assertEquals(List.of("get", "Value", "Of", "_", "x", "2", "y", "(", ")", ";", " ", "MAX", "_", "SIZE", " ",
                "1", ".", "5", "e", "-", "3"), split(Variant.CODE_FINE, "getValueOf_x2y(); MAX_SIZE 1.5e-3"));
    }

    @Test
    void codeIdentKeepsIdentifiersAndPunctuationRuns() {
        assertEquals(List.of("obj", ".", "getValue", "();", "\n  ", "a", "::", "b", " ", "->", " ", "x_1$"),
                split(Variant.CODE_IDENT, "obj.getValue();\n  a::b -> x_1$"));
    }

    @Test
    void codeCompositeSplitsOnlyAtWhitespace() {
        assertEquals(List.of("obj.getValue();", "\n  ", "a::b", " ", "->", " ", "x_1$"),
                split(Variant.CODE_COMPOSITE, "obj.getValue();\n  a::b -> x_1$"));
        assertEquals(List.of("Hello", ",", " world"), split(Variant.GPT2, "Hello, world"));
    }

    @Test
    void partsConcatenateToTheInputForEveryVariant() {
        List<String> docs = new java.util.ArrayList<>(HfReference.javaSources());
        docs.add(TextCorpus.generate(1234, 50_000));
        for (Variant v : Variant.values()) {
            for (String doc : docs) {
                assertEquals(doc, String.join("", split(v, doc)), v.id());
            }
        }
        assertEquals(Variant.CODE_IDENT, Variant.of("code-ident"));
    }
}
