package dev.tessera.tokenizers.bench;

import dev.tessera.tokenizers.PreTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Words as {@code spm_train} cuts a line with {@code --split_by_whitespace=true
 * --allow_whitespace_only_pieces=true}, for comparing trainers on equal words. SentencePiece's
 * {@code SplitIntoWords} keeps a run of spaces together with the text after it ({@code "▁▁▁▁return"}) and then
 * allows '▁' only as a piece's first character or in pieces of '▁' alone, so such a word can only be segmented as
 * spaces, then '▁' plus the text; we cut it there: a run of k ≥ 2 spaces before text gives a word of k − 1 spaces
 * and a word of one space plus the text. Our Metaspace words, like HF's, instead cut before every space, which
 * makes each space of an indentation a token of its own.
 *
 * <p>SentencePiece also prepends its dummy '▁' to every line, even one that starts with a space; the benchmark
 * gives our side each line with one leading space, which the Metaspace codec then leaves alone.
 */
final class SentencePieceWords implements PreTokenizer {

    static final SentencePieceWords INSTANCE = new SentencePieceWords();

    @Override
    public List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = i;
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            int spaces = i - start;
            if (i == n) {
                words.add(text.substring(start)); // trailing spaces: one whitespace-only word
                break;
            }
            if (spaces >= 2) {
                words.add(text.substring(start, i - 1));
                start = i - 1;
            }
            while (i < n && text.charAt(i) != ' ') {
                i++;
            }
            words.add(text.substring(start, i));
        }
        return words;
    }
}
