package dev.tessera.tokenizers.pretokenize;

import dev.tessera.tokenizers.PreTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece-style words: the text splits before each space (U+0020) and each '▁' (U+2581, which HF also
 * splits before), so each word but perhaps the first starts with its space. With {@code WordCodec.METASPACE} this equals HF's {@code Metaspace} with
 * {@code split: true}: spaces become '▁' and the first word gets one prepended.
 */
public final class MetaspacePreTokenizer implements PreTokenizer {

    public static final MetaspacePreTokenizer INSTANCE = new MetaspacePreTokenizer();

    @Override
    public List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\u2581') {
                parts.add(text.substring(from, i));
                from = i;
            }
        }
        if (from < text.length()) {
            parts.add(text.substring(from));
        }
        return parts;
    }
}
