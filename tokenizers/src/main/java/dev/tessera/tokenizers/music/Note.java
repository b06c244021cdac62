package dev.tessera.tokenizers.music;

/**
 * One note of a {@link Track}.
 *
 * @param pitch MIDI key number, 0–127 (60 is middle C)
 * @param velocity MIDI velocity, 1–127 (a note-on with velocity 0 is a note-off, so it never makes a note)
 * @param onset start, in ticks from the beginning of the score
 * @param duration length in ticks, 0 or more (0 when a file switches a note off at the tick it started)
 */
public record Note(int pitch, int velocity, long onset, long duration) {

    public Note {
        if (pitch < 0 || pitch > 127) {
            throw new IllegalArgumentException("pitch must be 0–127, got " + pitch);
        }
        if (velocity < 1 || velocity > 127) {
            throw new IllegalArgumentException("velocity must be 1–127, got " + velocity);
        }
        if (onset < 0 || duration < 0) {
            throw new IllegalArgumentException("onset and duration must be >= 0 ticks, got " + onset + " and " + duration);
        }
    }

    /** The tick at which the note stops sounding. */
    public long end() {
        return onset + duration;
    }
}
