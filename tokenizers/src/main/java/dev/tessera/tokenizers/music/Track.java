package dev.tessera.tokenizers.music;

import java.util.Comparator;
import java.util.List;

/**
 * The notes one instrument plays.
 *
 * @param program General MIDI program, 0–127 (0 is acoustic grand piano); for drums, the kit
 * @param drums whether these notes are percussion (MIDI channel 10), where a pitch names a drum
 * @param notes the notes, kept sorted by onset, then pitch, then duration, then velocity
 */
public record Track(int program, boolean drums, List<Note> notes) {

    /** The order {@link #notes} are kept in, so that equal tracks compare equal. */
    public static final Comparator<Note> NOTE_ORDER = Comparator.comparingLong(Note::onset)
            .thenComparingInt(Note::pitch)
            .thenComparingLong(Note::duration)
            .thenComparingInt(Note::velocity);

    public Track {
        if (program < 0 || program > 127) {
            throw new IllegalArgumentException("program must be 0–127, got " + program);
        }
        notes = notes.stream().sorted(NOTE_ORDER).toList();
    }
}
