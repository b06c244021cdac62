package dev.tessera.tokenizers.music;

import dev.tessera.tokenizers.TokenizerException;

/**
 * The characters subword models see for base events (spec §6.3), as in MidiTok: base id <i>i</i> is the
 * single character U+0021 + <i>i</i> ({@code CHR_ID_START}). A {@link MusicVocabulary} holds fewer than
 * {@link MusicVocabulary#MAX_SIZE} events, so every such character is a printable BMP character below
 * U+2581 ('▁') and below the surrogates: one event is one {@code char}, and one word of <i>n</i> events is a
 * {@code String} of length <i>n</i>.
 */
public final class EventCharacters {

    /** The character of base id 0 (MidiTok's {@code CHR_ID_START}). */
    public static final int CHR_ID_START = 0x21;

    private EventCharacters() {
    }

    /** The character of base id {@code id}. */
    public static char of(int id) {
        if (id < 0 || id >= MusicVocabulary.MAX_SIZE) {
            throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID,
                    "event id " + id + " is outside 0.." + (MusicVocabulary.MAX_SIZE - 1));
        }
        return (char) (CHR_ID_START + id);
    }

    /** The base id of character {@code c}, or -1 when {@code c} stands for no event. */
    public static int idOf(char c) {
        int id = c - CHR_ID_START;
        return id >= 0 && id < MusicVocabulary.MAX_SIZE ? id : -1;
    }

    /** The word of the events {@code ids[from..to)}. */
    public static String word(int[] ids, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = of(ids[i]);
        }
        return new String(chars);
    }

    /** The word of all of {@code ids}. */
    public static String word(int[] ids) {
        return word(ids, 0, ids.length);
    }

    /** The base ids a piece stands for; a character that stands for no event is an {@code UNKNOWN_ID} error. */
    public static int[] ids(String piece) {
        int[] ids = new int[piece.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(piece.charAt(i));
            if (ids[i] < 0) {
                throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID, String.format(
                        "piece %s holds U+%04X, which stands for no event", piece, (int) piece.charAt(i)));
            }
        }
        return ids;
    }

    /** The characters of base ids {@code from..to)}, in id order: the initial alphabet of the trainers. */
    public static String alphabet(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int id = from; id < to; id++) {
            sb.append(of(id));
        }
        return sb.toString();
    }
}
