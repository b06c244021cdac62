package dev.tessera.tokenizers.music;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;

/** Short random scores (fixed seeds) and MIDI bytes made from them without {@link MidiFiles}. */
final class RandomMidi {

    private RandomMidi() {}

    /**
     * A random score: {@code melodicTracks} tracks of distinct programs plus, if asked, a drum track; notes
     * off the grid; some notes of one pitch overlapping (each starting inside the previous one and ending
     * no earlier, the only overlap a MIDI track can hold); tempo changes if asked.
     */
    static Score score(long seed, int ticksPerQuarter, int melodicTracks, boolean drums, int notesPerTrack,
                       boolean tempoChanges) {
        Random r = new Random(seed);
        int beats = 32;
        List<Track> tracks = new ArrayList<>();
        List<Integer> programs = new ArrayList<>();
        while (programs.size() < melodicTracks) {
            int p = r.nextInt(128);
            if (!programs.contains(p)) {
                programs.add(p);
            }
        }
        for (int t = 0; t < melodicTracks + (drums ? 1 : 0); t++) {
            boolean drum = t == melodicTracks;
            List<Note> notes = new ArrayList<>();
            for (int i = 0; i < notesPerTrack; i++) {
                int pitch = drum ? 35 + r.nextInt(47) : 21 + r.nextInt(88);
                long onset = r.nextInt(beats * ticksPerQuarter);
                long duration = 1 + (r.nextInt(10) == 0 ? r.nextInt(10 * ticksPerQuarter) : r.nextInt(2 * ticksPerQuarter));
                if (r.nextInt(6) == 0 && !notes.isEmpty()) {
                    // Overlap the previous note: same pitch, starting inside it.
                    Note prev = notes.get(notes.size() - 1);
                    pitch = prev.pitch();
                    onset = prev.onset() + 1 + r.nextInt((int) Math.max(1, prev.duration()));
                }
                notes.add(new Note(pitch, 1 + r.nextInt(127), onset, duration));
            }
            tracks.add(new Track(drum ? 0 : programs.get(t), drum, fifoConsistent(notes)));
        }
        List<TempoChange> tempos = new ArrayList<>();
        tempos.add(TempoChange.ofBpm(0, 60 + r.nextInt(120)));
        if (tempoChanges) {
            for (int i = 1; i <= 3; i++) {
                tempos.add(TempoChange.ofBpm((long) i * 8 * ticksPerQuarter + r.nextInt(ticksPerQuarter), 40 + r.nextInt(200)));
            }
        }
        return new Score(ticksPerQuarter, tracks, tempos, List.of(new TimeSignature(0, 4, 4)));
    }

    /**
     * A one-track melody at 120 BPM that plays one random phrase of {@code barsPerPhrase} bars
     * {@code repeats} times: eighth notes of the C major scale (C4 to C6) on about 60% of the eighths, each
     * one or two eighths long, velocities from four levels. Real music repeats like this; random notes
     * do not, which is what the structure indicator tells apart.
     */
    static Score phrases(long seed, int ticksPerQuarter, int barsPerPhrase, int repeats) {
        Random r = new Random(seed);
        int[] scale = {0, 2, 4, 5, 7, 9, 11};
        int eighth = ticksPerQuarter / 2;
        int eighthsPerPhrase = barsPerPhrase * 8;
        List<Note> phrase = new ArrayList<>();
        for (int e = 0; e < eighthsPerPhrase; e++) {
            if (r.nextInt(10) < 6) {
                int degree = r.nextInt(15);
                int pitch = 60 + 12 * (degree / 7) + scale[degree % 7];
                phrase.add(new Note(pitch, 64 + 16 * r.nextInt(4), (long) e * eighth, (long) (1 + r.nextInt(2)) * eighth));
            }
        }
        List<Note> notes = new ArrayList<>();
        for (int k = 0; k < repeats; k++) {
            long offset = (long) k * eighthsPerPhrase * eighth;
            for (Note n : phrase) {
                notes.add(new Note(n.pitch(), n.velocity(), n.onset() + offset, n.duration()));
            }
        }
        return new Score(ticksPerQuarter, List.of(new Track(0, false, fifoConsistent(notes))),
                List.of(new TempoChange(0, TempoChange.DEFAULT_MICROS_PER_QUARTER)), List.of(new TimeSignature(0, 4, 4)));
    }

    /**
     * The notes with each note that would end strictly inside an earlier-starting note of its pitch
     * lengthened to end with it: overlaps stay, but the onset order of a pitch is also its end order.
     */
    private static List<Note> fifoConsistent(List<Note> notes) {
        List<Note> sorted = new ArrayList<>(notes);
        sorted.sort(Track.NOTE_ORDER);
        Map<Integer, Long> maxEnd = new HashMap<>();
        List<Note> out = new ArrayList<>();
        for (Note n : sorted) {
            long end = maxEnd.getOrDefault(n.pitch(), -1L);
            Note fixed = n.onset() < end && n.end() < end ? new Note(n.pitch(), n.velocity(), n.onset(), end - n.onset()) : n;
            maxEnd.merge(n.pitch(), fixed.end(), Math::max);
            out.add(fixed);
        }
        return out;
    }

    /**
     * A format 0 file: every track in one MIDI track on a channel of its own (drums on 10), note-offs
     * as note-ons with velocity 0, written by the JDK (which uses running status).
     */
    static byte[] format0(Score score) {
        try {
            Sequence sequence = new Sequence(Sequence.PPQ, score.ticksPerQuarter());
            javax.sound.midi.Track track = sequence.createTrack();
            for (TempoChange t : score.tempos()) {
                int m = t.microsPerQuarter();
                track.add(new MidiEvent(new MetaMessage(0x51, new byte[] {(byte) (m >> 16), (byte) (m >> 8), (byte) m}, 3), t.tick()));
            }
            int nextChannel = 0;
            List<long[]> events = new ArrayList<>(); // {tick, kind (0 off, 1 on), channel, pitch, velocity}
            for (Track t : score.tracks()) {
                int channel = t.drums() ? 9 : nextChannel++;
                if (channel == 9 && !t.drums()) {
                    channel = nextChannel++;
                }
                track.add(new MidiEvent(new ShortMessage(ShortMessage.PROGRAM_CHANGE, channel, t.program(), 0), 0));
                for (Note n : t.notes()) {
                    events.add(new long[] {n.onset(), 1, channel, n.pitch(), n.velocity()});
                    events.add(new long[] {n.end(), 0, channel, n.pitch(), 0});
                }
            }
            events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            for (long[] e : events) {
                track.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, (int) e[2], (int) e[3], (int) e[4]), e[0]));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MidiSystem.write(sequence, 0, out);
            return out.toByteArray();
        } catch (InvalidMidiDataException | IOException e) {
            throw new AssertionError(e);
        }
    }
}
