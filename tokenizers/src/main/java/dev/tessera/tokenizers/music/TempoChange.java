package dev.tessera.tokenizers.music;

/**
 * A tempo change, as a MIDI file stores it (meta event 0x51).
 *
 * @param tick where the new tempo starts
 * @param microsPerQuarter length of a quarter note in microseconds (500,000 is 120 BPM)
 */
public record TempoChange(long tick, int microsPerQuarter) {

    /** The tempo a MIDI file has until it says otherwise: 120 BPM. */
    public static final int DEFAULT_MICROS_PER_QUARTER = 500_000;

    public TempoChange {
        if (tick < 0 || microsPerQuarter <= 0) {
            throw new IllegalArgumentException(
                    "tempo needs tick >= 0 and microsPerQuarter > 0, got " + tick + " and " + microsPerQuarter);
        }
    }

    /** A tempo given in quarter notes per minute. */
    public static TempoChange ofBpm(long tick, double bpm) {
        return new TempoChange(tick, (int) Math.round(60_000_000.0 / bpm));
    }

    /** Quarter notes per minute. */
    public double bpm() {
        return 60_000_000.0 / microsPerQuarter;
    }
}
