package dev.tessera.tokenizers;

import java.util.List;

/** Splits raw text into words; merges never cross a word boundary. The parts concatenate back to the input. */
@FunctionalInterface
public interface PreTokenizer {

    List<String> split(String text);

    /** Keeps the text as one word (pre-split input, music bars). */
    PreTokenizer WHOLE = text -> text.isEmpty() ? List.of() : List.of(text);
}
