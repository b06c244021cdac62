package dev.tessera.tokenizers;

import java.util.List;

/**
 * Finds special (added) tokens in raw text before pre-tokenization, as HF does: leftmost match first, the
 * longest one on ties (aho-corasick's {@code LeftmostLongest}). Few tokens are expected, so a scan per token is
 * enough.
 */
public final class SpecialTokens {

    /** Receives the text between special tokens and the ids of the tokens themselves, in order. */
    public interface Sink {
        void text(String chunk);

        void special(int id);
    }

    private final String[] tokens;
    private final int[] ids;

    public SpecialTokens(List<String> tokens, SubwordModel model) {
        this.tokens = tokens.toArray(String[]::new);
        this.ids = new int[this.tokens.length];
        for (int i = 0; i < this.tokens.length; i++) {
            if (this.tokens[i].isEmpty()) {
                throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "a special token is empty");
            }
            ids[i] = model.id(this.tokens[i]);
            if (ids[i] < 0) {
                throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                        "special token " + this.tokens[i] + " is not in the vocabulary");
            }
        }
    }

    public List<String> tokens() {
        return List.of(tokens);
    }

    public boolean isSpecial(int id) {
        for (int special : ids) {
            if (special == id) {
                return true;
            }
        }
        return false;
    }

    /** Feeds {@code text} to {@code sink}; non-empty chunks only. */
    public void split(String text, Sink sink) {
        if (tokens.length == 0) {
            if (!text.isEmpty()) {
                sink.text(text);
            }
            return;
        }
        int from = 0;
        while (from < text.length()) {
            int bestStart = -1;
            int best = -1;
            for (int t = 0; t < tokens.length; t++) {
                int at = text.indexOf(tokens[t], from);
                if (at < 0) {
                    continue;
                }
                if (bestStart < 0 || at < bestStart
                        || (at == bestStart && tokens[t].length() > tokens[best].length())) {
                    bestStart = at;
                    best = t;
                }
            }
            if (best < 0) {
                sink.text(text.substring(from));
                return;
            }
            if (bestStart > from) {
                sink.text(text.substring(from, bestStart));
            }
            sink.special(ids[best]);
            from = bestStart + tokens[best].length();
        }
    }
}
