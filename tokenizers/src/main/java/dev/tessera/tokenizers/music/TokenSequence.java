package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The base events a {@link MusicTokenizer} made from a score, their ids, and the bar each event
 * belongs to. An event belongs to the bar in which its time starts: a {@code Bar_None} to the bar it
 * opens, a {@code TimeShift} to the bar it leaves from, a note's events to the bar of its onset.
 *
 * <p>{@link #words()} splits the sequence per bar, as MidiTok's default {@code encode_ids_split="bar"}
 * does, so that subword models (BPE, Unigram) trained over the events never learn a token that crosses
 * a bar line. Bars without events give no word. Special tokens never occur in an encoded sequence.
 */
public final class TokenSequence {

    private final List<String> tokens;
    private final int[] ids;
    private final int[] bars;

    TokenSequence(List<String> tokens, int[] ids, int[] bars) {
        if (tokens.size() != ids.length || ids.length != bars.length) {
            throw new IllegalArgumentException("tokens, ids and bars differ in length");
        }
        this.tokens = List.copyOf(tokens);
        this.ids = ids.clone();
        this.bars = bars.clone();
    }

    /** The events, e.g. {@code [Bar_None, Position_0, Pitch_60, Velocity_95, Duration_1.0.8]}. */
    public List<String> tokens() {
        return tokens;
    }

    /** The events' ids in the tokenizer's {@link MusicVocabulary}. */
    public int[] ids() {
        return ids.clone();
    }

    /** The bar (0 = first) of the event at {@code index}. */
    public int bar(int index) {
        return bars[index];
    }

    public int size() {
        return tokens.size();
    }

    /** One word per bar that has events, each the list of that bar's events in order. */
    public List<List<String>> words() {
        List<List<String>> words = new ArrayList<>();
        for (int[] span : wordSpans()) {
            words.add(tokens.subList(span[0], span[1]));
        }
        return words;
    }

    /** The same words as ids. */
    public List<int[]> wordIds() {
        List<int[]> words = new ArrayList<>();
        for (int[] span : wordSpans()) {
            words.add(Arrays.copyOfRange(ids, span[0], span[1]));
        }
        return words;
    }

    private List<int[]> wordSpans() {
        List<int[]> spans = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= bars.length; i++) {
            if (i == bars.length || bars[i] != bars[start]) {
                spans.add(new int[] {start, i});
                start = i;
            }
        }
        return spans;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenSequence t && tokens.equals(t.tokens) && Arrays.equals(bars, t.bars);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode() * 31 + Arrays.hashCode(bars);
    }

    @Override
    public String toString() {
        return "TokenSequence" + tokens;
    }
}
