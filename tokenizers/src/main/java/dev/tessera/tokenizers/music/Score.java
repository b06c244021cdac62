package dev.tessera.tokenizers.music;

import java.util.Comparator;
import java.util.List;

/**
 * A piece of music as {@link MidiFiles} reads and writes it: what the tokenizers need of a MIDI file and
 * nothing else (control changes, pitch bends, sustain, lyrics and SysEx are dropped on reading).
 *
 * @param ticksPerQuarter time resolution: ticks in one quarter note (the file's PPQ division)
 * @param tracks the instruments, in file order
 * @param tempos tempo changes sorted by tick, at most one per tick; empty means 120 BPM throughout
 * @param timeSignatures time signature changes sorted by tick, at most one per tick; empty means 4/4
 */
public record Score(int ticksPerQuarter, List<Track> tracks, List<TempoChange> tempos,
                    List<TimeSignature> timeSignatures) {

    public Score {
        if (ticksPerQuarter <= 0 || ticksPerQuarter > 0x7FFF) {
            throw new IllegalArgumentException("ticksPerQuarter must be 1–32767, got " + ticksPerQuarter);
        }
        tracks = List.copyOf(tracks);
        tempos = tempos.stream().sorted(Comparator.comparingLong(TempoChange::tick)).toList();
        timeSignatures = timeSignatures.stream().sorted(Comparator.comparingLong(TimeSignature::tick)).toList();
        for (int i = 1; i < tempos.size(); i++) {
            if (tempos.get(i).tick() == tempos.get(i - 1).tick()) {
                throw new IllegalArgumentException("two tempo changes at tick " + tempos.get(i).tick());
            }
        }
        for (int i = 1; i < timeSignatures.size(); i++) {
            if (timeSignatures.get(i).tick() == timeSignatures.get(i - 1).tick()) {
                throw new IllegalArgumentException("two time signatures at tick " + timeSignatures.get(i).tick());
            }
        }
    }

    /** Notes in all tracks. */
    public int noteCount() {
        return tracks.stream().mapToInt(t -> t.notes().size()).sum();
    }

    /** The last tick any note sounds at; 0 for a score without notes. */
    public long endTick() {
        return tracks.stream().flatMap(t -> t.notes().stream()).mapToLong(Note::end).max().orElse(0);
    }

    /** The tempo in force at tick 0. */
    public int initialMicrosPerQuarter() {
        return tempos.isEmpty() || tempos.get(0).tick() > 0 ? TempoChange.DEFAULT_MICROS_PER_QUARTER
                : tempos.get(0).microsPerQuarter();
    }
}
