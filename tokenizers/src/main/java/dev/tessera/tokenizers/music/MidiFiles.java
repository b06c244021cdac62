package dev.tessera.tokenizers.music;

import dev.tessera.tokenizers.music.MidiFormatException.Code;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiMessage;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;

/**
 * Reads and writes Standard MIDI Files (formats 0 and 1, ticks-per-quarter timing) as {@link Score}s,
 * with {@code javax.sound.midi}; no synthesizer is needed, so both work headless.
 *
 * <p><b>Reading.</b> The bytes are first checked by {@link SmfValidator}, which rejects damaged files with
 * a {@link MidiFormatException} naming the track and byte; then the JDK parses them. Within each track, a
 * note-off, or a note-on with velocity 0, closes the oldest open note of its (channel, pitch), first in,
 * first out, so overlapping notes of one pitch keep their own onsets. The end of a track closes the notes
 * still open. A note's program is its channel's program at its onset (program changes in any track count,
 * as they do for a synthesizer). Each (track, channel, program) with notes becomes one {@link Track};
 * channel 10 is drums. Tempo (meta 0x51) and time signature (meta 0x58) events from all tracks are
 * merged; where two fall on one tick, the later in the file wins.
 *
 * <p><b>Writing.</b> Format 1: a first track with the tempos and time signatures, then for each
 * {@link Track} one MIDI track with a program change and its notes. Drums go on channel 10; other
 * programs get channels 1–9 and 11–16 in order of first appearance, so a score with more than 15
 * distinct melodic programs reuses channels (and a reader sees the last program set on a shared one).
 * Because a reader pairs note-offs first in, first out, a note of one pitch lying strictly inside
 * another's span (it starts later and ends earlier) cannot be written in the same MIDI track; such notes
 * go to an extra MIDI track with the same program and channel, so reading the file back gives every note
 * its own onset and duration.
 */
public final class MidiFiles {

    /** The resolution Tessera writes decoded scores at (ticks per quarter note). */
    public static final int DEFAULT_TICKS_PER_QUARTER = 480;

    static final int DRUM_CHANNEL = 9;

    private MidiFiles() {}

    /** Reads a MIDI file; a damaged or unsupported file throws {@link MidiFormatException} naming the file. */
    public static Score read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > SmfValidator.MAX_FILE_BYTES) {
            throw new MidiFormatException(Code.TOO_LARGE, String.format(
                    "%s: the file is %,d bytes; MIDI files over %,d bytes are not read",
                    file, size, SmfValidator.MAX_FILE_BYTES));
        }
        try {
            return read(Files.readAllBytes(file));
        } catch (MidiFormatException e) {
            throw e.in(file.toString());
        }
    }

    /** Reads the bytes of a MIDI file. */
    public static Score read(byte[] bytes) throws MidiFormatException {
        SmfValidator.validate(bytes);
        Sequence sequence;
        try {
            sequence = MidiSystem.getSequence(new ByteArrayInputStream(bytes));
        } catch (InvalidMidiDataException | IOException e) {
            // The validator walked every event the JDK reads, so this means the two disagree: report it.
            throw new MidiFormatException(Code.BAD_EVENT,
                    "javax.sound.midi rejected a file that passed validation: " + e.getMessage(), e);
        }
        return toScore(sequence);
    }

    /** Converts a parsed sequence; only ticks-per-quarter timing is accepted. */
    public static Score toScore(Sequence sequence) throws MidiFormatException {
        if (sequence.getDivisionType() != Sequence.PPQ) {
            throw new MidiFormatException(Code.UNSUPPORTED, "SMPTE time division (" + sequence.getDivisionType()
                    + " frames per second) is not supported; only ticks per quarter note are read");
        }
        javax.sound.midi.Track[] midiTracks = sequence.getTracks();

        // Pass 1: the channels' program timelines, tempos and time signatures, from all tracks.
        ProgramTimeline[] programs = new ProgramTimeline[16];
        Arrays.setAll(programs, c -> new ProgramTimeline());
        TreeMap<Long, TempoChange> tempos = new TreeMap<>();
        TreeMap<Long, TimeSignature> signatures = new TreeMap<>();
        for (javax.sound.midi.Track midiTrack : midiTracks) {
            for (int i = 0; i < midiTrack.size(); i++) {
                MidiEvent event = midiTrack.get(i);
                MidiMessage message = event.getMessage();
                long tick = event.getTick();
                if (message instanceof ShortMessage sm && sm.getCommand() == ShortMessage.PROGRAM_CHANGE) {
                    programs[sm.getChannel()].add(tick, sm.getData1());
                } else if (message instanceof MetaMessage meta) {
                    byte[] d = meta.getData();
                    if (meta.getType() == 0x51 && d.length == 3) {
                        int micros = ((d[0] & 0xFF) << 16) | ((d[1] & 0xFF) << 8) | (d[2] & 0xFF);
                        if (micros > 0) {
                            tempos.put(tick, new TempoChange(tick, micros));
                        }
                    } else if (meta.getType() == 0x58 && d.length >= 2 && d[0] != 0 && (d[1] & 0xFF) <= 6) {
                        signatures.put(tick, new TimeSignature(tick, d[0] & 0xFF, 1 << d[1]));
                    }
                }
            }
        }

        // Pass 2: notes, one track at a time.
        List<Track> tracks = new ArrayList<>();
        for (javax.sound.midi.Track midiTrack : midiTracks) {
            Map<Integer, ArrayDeque<long[]>> open = new HashMap<>(); // (channel << 7 | pitch) -> {onset, velocity}
            Map<Integer, List<Note>> notes = new LinkedHashMap<>(); // (channel << 7 | program) -> notes
            for (int i = 0; i < midiTrack.size(); i++) {
                MidiEvent event = midiTrack.get(i);
                if (!(event.getMessage() instanceof ShortMessage sm)) {
                    continue;
                }
                int command = sm.getCommand();
                int key = sm.getChannel() << 7 | sm.getData1();
                if (command == ShortMessage.NOTE_ON && sm.getData2() > 0) {
                    open.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new long[] {event.getTick(), sm.getData2()});
                } else if (command == ShortMessage.NOTE_ON || command == ShortMessage.NOTE_OFF) {
                    ArrayDeque<long[]> queue = open.get(key);
                    if (queue != null && !queue.isEmpty()) {
                        close(key, queue.pollFirst(), event.getTick(), programs, notes);
                    }
                }
            }
            long endOfTrack = midiTrack.ticks(); // the JDK keeps the end-of-track event last
            open.forEach((key, queue) -> queue.forEach(n -> close(key, n, endOfTrack, programs, notes)));
            notes.forEach((channelProgram, list) -> {
                int channel = channelProgram >> 7;
                tracks.add(new Track(channelProgram & 0x7F, channel == DRUM_CHANNEL, list));
            });
        }
        return new Score(sequence.getResolution(), tracks, List.copyOf(tempos.values()),
                List.copyOf(signatures.values()));
    }

    private static void close(int key, long[] on, long offTick, ProgramTimeline[] programs,
                              Map<Integer, List<Note>> notes) {
        int channel = key >> 7;
        int pitch = key & 0x7F;
        long onset = on[0];
        int program = programs[channel].at(onset);
        notes.computeIfAbsent(channel << 7 | program, k -> new ArrayList<>())
                .add(new Note(pitch, (int) on[1], onset, offTick - onset));
    }

    /** Writes a score as a format 1 MIDI file (atomically: a temporary file, then a rename). */
    public static void write(Score score, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, toBytes(score));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes of a format 1 MIDI file for a score. */
    public static byte[] toBytes(Score score) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MidiSystem.write(toSequence(score), 1, out);
        } catch (IOException e) {
            throw new IllegalStateException("javax.sound.midi cannot write format 1 files", e);
        }
        return out.toByteArray();
    }

    /** A {@code javax.sound.midi} sequence for a score, laid out as the class comment says. */
    public static Sequence toSequence(Score score) {
        try {
            Sequence sequence = new Sequence(Sequence.PPQ, score.ticksPerQuarter());
            javax.sound.midi.Track conductor = sequence.createTrack();
            for (TempoChange t : score.tempos()) {
                int m = t.microsPerQuarter();
                conductor.add(new MidiEvent(new MetaMessage(0x51, new byte[] {(byte) (m >> 16), (byte) (m >> 8), (byte) m}, 3),
                        t.tick()));
            }
            for (TimeSignature s : score.timeSignatures()) {
                byte[] data = {(byte) s.numerator(), (byte) Integer.numberOfTrailingZeros(s.denominator()), 24, 8};
                conductor.add(new MidiEvent(new MetaMessage(0x58, data, 4), s.tick()));
            }
            Map<Integer, Integer> channels = new HashMap<>();
            for (Track track : score.tracks()) {
                int channel = track.drums() ? DRUM_CHANNEL
                        : channels.computeIfAbsent(track.program(), p -> MELODIC_CHANNELS[channels.size() % MELODIC_CHANNELS.length]);
                for (List<Note> layer : fifoLayers(track.notes())) {
                    javax.sound.midi.Track midiTrack = sequence.createTrack();
                    midiTrack.add(new MidiEvent(new ShortMessage(ShortMessage.PROGRAM_CHANGE, channel, track.program(), 0), 0));
                    addNotes(midiTrack, channel, layer);
                }
            }
            return sequence;
        } catch (InvalidMidiDataException e) {
            throw new IllegalStateException("a Score holds only valid MIDI values", e);
        }
    }

    private static final int[] MELODIC_CHANNELS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15};

    /**
     * Splits notes into layers that a first-in-first-out reader pairs back correctly: within a layer, the
     * notes of one pitch taken by (onset, end) also have non-decreasing ends. Almost every track is one layer.
     */
    static List<List<Note>> fifoLayers(List<Note> notes) {
        List<Note> sorted = new ArrayList<>(notes);
        sorted.sort(Comparator.comparingLong(Note::onset).thenComparingLong(Note::end));
        List<List<Note>> layers = new ArrayList<>();
        List<long[]> lastEnd = new ArrayList<>(); // per layer: last end per pitch, -1 for none
        for (Note n : sorted) {
            int layer = 0;
            while (layer < layers.size() && lastEnd.get(layer)[n.pitch()] > n.end()) {
                layer++;
            }
            if (layer == layers.size()) {
                layers.add(new ArrayList<>());
                long[] ends = new long[128];
                Arrays.fill(ends, -1);
                lastEnd.add(ends);
            }
            layers.get(layer).add(n);
            lastEnd.get(layer)[n.pitch()] = n.end();
        }
        return layers;
    }

    /**
     * Adds note-ons and note-offs so that, at one tick, the notes ending there are switched off before new
     * ones start, and a note of zero length is switched off right after its own note-on. The JDK's
     * {@code Track.add} keeps the insertion order of events on one tick.
     */
    private static void addNotes(javax.sound.midi.Track midiTrack, int channel, List<Note> layer)
            throws InvalidMidiDataException {
        // {tick, kind (0 = off of a sounding note, 1 = on or a zero-length off), end, index, isOff}
        List<long[]> order = new ArrayList<>(layer.size() * 2);
        for (int i = 0; i < layer.size(); i++) {
            Note n = layer.get(i);
            order.add(new long[] {n.onset(), 1, n.end(), i, 0});
            order.add(n.duration() == 0 ? new long[] {n.onset(), 1, n.end(), i, 1} : new long[] {n.end(), 0, 0, i, 1});
        }
        order.sort((a, b) -> Arrays.compare(a, b));
        for (long[] e : order) {
            Note n = layer.get((int) e[3]);
            ShortMessage message = e[4] == 0
                    ? new ShortMessage(ShortMessage.NOTE_ON, channel, n.pitch(), n.velocity())
                    : new ShortMessage(ShortMessage.NOTE_OFF, channel, n.pitch(), 0);
            midiTrack.add(new MidiEvent(message, e[0]));
        }
    }

    /** The program a channel has at each tick: program changes in tick order, the last of a tick winning. */
    private static final class ProgramTimeline {
        private final TreeMap<Long, Integer> changes = new TreeMap<>();

        void add(long tick, int program) {
            changes.put(tick, program);
        }

        int at(long tick) {
            Map.Entry<Long, Integer> e = changes.floorEntry(tick);
            return e == null ? 0 : e.getValue();
        }
    }
}
