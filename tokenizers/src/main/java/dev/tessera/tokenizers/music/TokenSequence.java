package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The base events a {@link MusicTokenizer} made from a score, their ids, and the beat (and so the bar)
 * each event belongs to. An event belongs to the beat in which its time starts: a {@code Bar_None} to
 * the first beat of the bar it opens, a {@code TimeShift} to the beat it leaves from, a note's events to
 * the beat of its onset.
 *
 * <p>{@link #words()} splits the sequence per bar, as MidiTok's default {@code encode_ids_split="bar"}
 * does, so that subword models (BPE, Unigram) trained over the events never learn a token that crosses
 * a bar line; {@link #words(WordSplit)} also splits per beat. Bars (beats) without events give no word.
 * Special tokens never occur in an encoded sequence.
 */
public final class TokenSequence {

    private final List<String> tokens;
    private final int[] ids;
    /** Beat (0 = first) of each event; bars are {@link MusicTokenizerConfig#BEATS_PER_BAR} beats. */
    private final int[] beats;

    TokenSequence(List<String> tokens, int[] ids, int[] beats) {
        if (tokens.size() != ids.length || ids.length != beats.length) {
            throw new IllegalArgumentException("tokens, ids and beats differ in length");
        }
        this.tokens = List.copyOf(tokens);
        this.ids = ids.clone();
        this.beats = beats.clone();
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
        return beats[index] / MusicTokenizerConfig.BEATS_PER_BAR;
    }

    /** The beat (0 = first) of the event at {@code index}. */
    public int beat(int index) {
        return beats[index];
    }

    /** Bars from the first to the last event's (0 for an empty sequence). */
    public int barCount() {
        return beats.length == 0 ? 0 : bar(beats.length - 1) + 1;
    }

    public int size() {
        return tokens.size();
    }

    /** One word per bar that has events, each the list of that bar's events in order. */
    public List<List<String>> words() {
        return words(WordSplit.BAR);
    }

    /** One word per bar (or beat) that has events, each the list of its events in order. */
    public List<List<String>> words(WordSplit split) {
        List<List<String>> words = new ArrayList<>();
        for (int[] span : wordSpans(split)) {
            words.add(tokens.subList(span[0], span[1]));
        }
        return words;
    }

    /** The per-bar words as ids. */
    public List<int[]> wordIds() {
        return wordIds(WordSplit.BAR);
    }

    /** The words of {@code split} as ids. */
    public List<int[]> wordIds(WordSplit split) {
        List<int[]> words = new ArrayList<>();
        for (int[] span : wordSpans(split)) {
            words.add(Arrays.copyOfRange(ids, span[0], span[1]));
        }
        return words;
    }

    private List<int[]> wordSpans(WordSplit split) {
        int perWord = split == WordSplit.BAR ? MusicTokenizerConfig.BEATS_PER_BAR : 1;
        List<int[]> spans = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= beats.length; i++) {
            if (i == beats.length || beats[i] / perWord != beats[start] / perWord) {
                spans.add(new int[] {start, i});
                start = i;
            }
        }
        return spans;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenSequence t && tokens.equals(t.tokens) && Arrays.equals(beats, t.beats);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode() * 31 + Arrays.hashCode(beats);
    }

    @Override
    public String toString() {
        return "TokenSequence" + tokens;
    }
}
