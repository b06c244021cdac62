package dev.tessera.tokenizers.music;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The base events of a {@link MusicTokenizer}, each with a stable id and a stable spelling
 * {@code Type_Value}: {@code Pitch_60}, {@code Velocity_127}, {@code Duration_1.0.8} (one beat),
 * {@code Bar_None}, {@code Position_12}, {@code TimeShift_0.4.8}, {@code PitchDrum_36}, {@code Tempo_120.97},
 * {@code Program_-1} (drums). The special tokens {@code PAD_None}, {@code BOS_None}, {@code EOS_None} and
 * {@code MASK_None} take ids 0–3, then the other events follow in MidiTok's order.
 *
 * <p>The base vocabulary stays below 9,568 events, so that subword training can map id <i>i</i> to the
 * single character U+0021 + <i>i</i> (spec §6.3) without reaching U+2581 or a surrogate.
 */
public final class MusicVocabulary {

    public static final String PAD = "PAD_None";
    public static final String BOS = "BOS_None";
    public static final String EOS = "EOS_None";
    public static final String MASK = "MASK_None";
    public static final List<String> SPECIALS = List.of(PAD, BOS, EOS, MASK);

    /** Base ids must stay below this so that U+0021 + id stays below U+2581 (spec §6.3). */
    public static final int MAX_SIZE = 9568;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    MusicVocabulary(List<String> events) {
        if (!events.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IllegalArgumentException("a vocabulary starts with " + SPECIALS);
        }
        if (events.size() >= MAX_SIZE) {
            throw new IllegalArgumentException("the configuration gives " + events.size()
                    + " base events; subword training needs fewer than " + MAX_SIZE + " (use fewer bins)");
        }
        this.tokens = List.copyOf(events);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate event " + tokens.get(i));
            }
        }
    }

    public int size() {
        return tokens.size();
    }

    /** The event with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id " + id + " is outside this vocabulary of " + tokens.size() + " events");
        }
        return tokens.get(id);
    }

    /** The id of this event. */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("'" + token + "' is not an event of this vocabulary");
        }
        return id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** Every event, in id order. */
    public List<String> tokens() {
        return tokens;
    }
}
