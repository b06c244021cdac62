package dev.tessera.tokenizers.pretokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.tokenizers.TextCorpus;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Gpt2PreTokenizerTest {

    private final Gpt2PreTokenizer scanner = Gpt2PreTokenizer.INSTANCE;
    private final RegexPreTokenizer regex = RegexPreTokenizer.gpt2();

    @Test
    void splitsKnownExamplesAsGpt2() {
        assertEquals(List.of("Hello", ",", " world", "!"), scanner.split("Hello, world!"));
        assertEquals(List.of("I", "'m", " fine", ",", " it", "'s", " ok"), scanner.split("I'm fine, it's ok"));
        // Upper-case contractions are not special; a space run gives its last space to the next word.
        assertEquals(List.of("I", "'", "M", "  ", " x", "\n", "\n", "y", "  "), scanner.split("I'M   x\n\ny  "));
        assertEquals(List.of(" 42", "abc", " ", "\u00A0", "x"), scanner.split(" 42abc \u00A0x"));
        assertEquals(List.of("𝐀𝐁", " 😀😀", " 𝟎𝟏"), scanner.split("𝐀𝐁 😀😀 𝟎𝟏"));
        assertEquals(List.of("a", "...'", "s"), scanner.split("a...'s"));
    }

    @Test
    void scannerSplitsLikeTheRegexOnAGeneratedCorpus() {
        // 40 documents of 5,000 chars: every script, number kind, contraction and whitespace of TextCorpus.
        int pieces = 0;
        for (int doc = 0; doc < 40; doc++) {
            String text = TextCorpus.generate(1000 + doc, 5_000);
            List<String> expected = regex.split(text);
            assertEquals(expected, scanner.split(text), "document " + doc);
            pieces += expected.size();
        }
        assertEquals(true, pieces > 20_000, "pieces compared: " + pieces);
    }

    @Test
    void scannerSplitsLikeTheRegexOnRandomCodePoints() {
        // Dense random strings over a small alphabet of tricky code points, lone surrogates included.
        int[] alphabet = {' ', ' ', '\'', 's', 't', 'r', 'e', 'v', 'l', 'm', 'd', 'A', '7', '.', '\n', '\t',
            0xA0, 0x2028, 0x85, 0x180E, 0x200B, 0x301, 0x1D400, 0x1D7CE, 0x1F600, 0xD800, 0xDC00, 0x2160, 0xB2};
        Random rnd = new Random(7);
        for (int t = 0; t < 20_000; t++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            assertEquals(regex.split(text), scanner.split(text), () -> "text: " + escape(text));
        }
    }

    @Test
    void partsConcatenateToTheInput() {
        String text = TextCorpus.generate(99, 20_000);
        assertEquals(text, String.join("", scanner.split(text)));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x7F && cp >= 0x20 ? Character.toString(cp)
                : String.format("\\u{%X}", cp)));
        return sb.toString();
    }
}
