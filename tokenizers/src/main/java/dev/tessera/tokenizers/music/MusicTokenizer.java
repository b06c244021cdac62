package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link Score} into a sequence of base events and back (spec §6.1), in one of two layouts:
 * {@link #remi REMI} (bars and positions) or {@link #tsd TSD} (time shifts). Immutable and thread-safe.
 *
 * <pre>{@code
 * MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaults());
 * TokenSequence seq = remi.encode(MidiFiles.read(path));
 * seq.tokens();          // [Bar_None, Position_0, Pitch_60, Velocity_95, Duration_1.0.8, ...]
 * seq.ids();             // the same as ids of remi.vocabulary()
 * seq.words();           // one list of events per bar: the "words" BPE and Unigram train on
 * Score back = remi.decode(seq.tokens());   // or decode(ids); MidiFiles.write(back, out)
 * }</pre>
 *
 * <p><b>Encoding.</b> Each note becomes {@code [Program_k] Pitch_p Velocity_v Duration_d}
 * ({@code PitchDrum_p} for drums, whose program is -1). Onsets snap to the nearest grid step (half a
 * step at most), durations to the nearest duration value, velocities to the nearest level. Notes outside
 * the pitch ranges, and all but the longest (then loudest) of notes sharing a grid onset, pitch and
 * program, are dropped. Notes on one step are ordered by program (drums first), then pitch. Without
 * programs, all melodic tracks merge into one stream decoded as program 0; drums stay drums. With tempos
 * on, the tempo at tick 0 is written at the first step and each later change whose value (after
 * snapping) differs; without, tempos are dropped and decoding gives 120 BPM, MidiTok's default.
 * Control changes, pitch bends, sustain and time signatures are dropped: bars are always 4/4.
 *
 * <p><b>Decoding</b> reads events in order and keeps every complete note; an incomplete one (a pitch
 * without velocity and duration, as a sampler may produce) is skipped. Decoded scores have
 * {@link MusicTokenizerConfig#ticksPerQuarter()} ticks a quarter, one track per program (drums first),
 * and a 4/4 time signature. Encoding a decoded score gives back the same events.
 */
public abstract sealed class MusicTokenizer permits RemiTokenizer, TsdTokenizer {

    /** Longest score encoded, in beats: bounds the events an empty stretch can make (about 18 hours at 240 BPM). */
    public static final long MAX_BEATS = 1L << 18;

    final MusicTokenizerConfig config;
    final EventValues values;
    private final MusicVocabulary vocabulary;
    private final Map<String, Long> durationByName = new HashMap<>();

    MusicTokenizer(MusicTokenizerConfig config) {
        this.config = config;
        this.values = new EventValues(config);
        for (int i = 0; i < values.durationSteps.length; i++) {
            durationByName.put(values.durationNames[i], values.durationSteps[i]);
        }
        this.vocabulary = new MusicVocabulary(baseEvents());
    }

    /** REMI: {@code Bar_None}, then {@code Position_p} for each onset, then its notes (Huang &amp; Yang). */
    public static MusicTokenizer remi(MusicTokenizerConfig config) {
        return new RemiTokenizer(config);
    }

    /** TSD: {@code TimeShift_d} wherever time advances, then the notes; no bars. */
    public static MusicTokenizer tsd(MusicTokenizerConfig config) {
        return new TsdTokenizer(config);
    }

    public MusicTokenizerConfig config() {
        return config;
    }

    /** {@code remi} or {@code tsd}: the layout's name in files and on the command line. */
    public abstract String layout();

    public MusicVocabulary vocabulary() {
        return vocabulary;
    }

    /** The events of a score; see the class comment for what is kept. */
    public TokenSequence encode(Score score) {
        Events out = new Events();
        layout(quantize(score), out);
        return out.build();
    }

    /** The per-bar words of a score's events ({@code encode(score).words()}), for subword training. */
    public List<List<String>> words(Score score) {
        return encode(score).words();
    }

    /** A score from event ids. */
    public Score decode(int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(vocabulary.token(id));
        }
        return decode(tokens);
    }

    /** A score from events; an event outside the vocabulary is an {@link IllegalArgumentException}. */
    public Score decode(List<String> tokens) {
        Decoding d = new Decoding();
        for (String token : tokens) {
            if (!vocabulary.contains(token)) {
                throw new IllegalArgumentException("'" + token + "' is not an event of this tokenizer's vocabulary");
            }
            int sep = token.indexOf('_');
            String type = token.substring(0, sep);
            String value = token.substring(sep + 1);
            switch (type) {
                case "PAD", "BOS", "EOS", "MASK" -> { }
                case "Program" -> d.program = Integer.parseInt(value);
                case "Pitch", "PitchDrum" -> {
                    d.pitch = Integer.parseInt(value);
                    d.drum = type.equals("PitchDrum");
                    d.velocity = -1;
                }
                case "Velocity" -> d.velocity = d.pitch >= 0 ? Integer.parseInt(value) : -1;
                case "Duration" -> {
                    if (d.pitch >= 0 && d.velocity > 0) {
                        d.addNote(durationSteps(value));
                    }
                    d.pitch = -1;
                }
                case "Tempo" -> d.tempos.put(d.position, Double.parseDouble(value));
                default -> {
                    d.pitch = -1;
                    advance(type, value, d);
                }
            }
        }
        return d.score();
    }

    // ---- what the two layouts differ in ----

    /** Events before the note events in the vocabulary (REMI: {@code Bar_None}). */
    abstract List<String> leadingEvents();

    /** The layout's time events (REMI: positions; TSD: time shifts). */
    abstract List<String> timeEvents();

    /** Writes the time events and each onset's tempo and notes. */
    abstract void layout(List<Onset> onsets, Events out);

    /** Moves the decoding position for one of the layout's time events. */
    abstract void advance(String type, String value, Decoding d);

    // ---- shared by both layouts ----

    /** A note on the grid: program -1 for drums; velocity and duration as indexes into {@link EventValues}. */
    record GridNote(int program, int pitch, int velocity, int duration) {}

    /** Everything that starts at one grid step: a tempo index or -1, and the notes in event order. */
    record Onset(long position, int tempo, List<GridNote> notes) {}

    private List<String> baseEvents() {
        List<String> events = new ArrayList<>(MusicVocabulary.SPECIALS);
        events.addAll(leadingEvents());
        for (int p = config.pitchMin(); p <= config.pitchMax(); p++) {
            events.add("Pitch_" + p);
        }
        for (int v : values.velocities) {
            events.add("Velocity_" + v);
        }
        for (String d : values.durationNames) {
            events.add("Duration_" + d);
        }
        events.addAll(timeEvents());
        for (int p = config.drumPitchMin(); p <= config.drumPitchMax(); p++) {
            events.add("PitchDrum_" + p);
        }
        if (config.tempos()) {
            for (String t : values.tempoNames) {
                events.add("Tempo_" + t);
            }
        }
        if (config.programs()) {
            for (int p = -1; p <= 127; p++) {
                events.add("Program_" + p);
            }
        }
        return events;
    }

    /** Snaps notes and tempos onto the grid and groups them by onset, as the class comment says. */
    List<Onset> quantize(Score score) {
        int tpq = score.ticksPerQuarter();
        int ppb = config.positionsPerBeat();
        long lastTick = score.endTick();
        if (config.tempos() && !score.tempos().isEmpty()) {
            lastTick = Math.max(lastTick, score.tempos().get(score.tempos().size() - 1).tick());
        }
        if (lastTick / tpq > MAX_BEATS) {
            throw new IllegalArgumentException(String.format("the score lasts %,d beats (to tick %,d at %d ticks a "
                    + "quarter); at most %,d beats are encoded", lastTick / tpq, lastTick, tpq, MAX_BEATS));
        }
        record Placed(long position, GridNote note, long steps, int velocity) {}
        List<Placed> placed = new ArrayList<>();
        for (Track track : score.tracks()) {
            int program = track.drums() ? -1 : config.programs() ? track.program() : 0;
            int min = track.drums() ? config.drumPitchMin() : config.pitchMin();
            int max = track.drums() ? config.drumPitchMax() : config.pitchMax();
            for (Note n : track.notes()) {
                if (n.pitch() < min || n.pitch() > max) {
                    continue;
                }
                int duration = values.nearestDuration(n.duration(), tpq, ppb);
                int velocity = values.nearestVelocity(n.velocity());
                placed.add(new Placed(roundDiv(n.onset() * ppb, tpq), new GridNote(program, n.pitch(), velocity, duration),
                        values.durationSteps[duration], values.velocities[velocity]));
            }
        }
        placed.sort(Comparator.comparingLong(Placed::position)
                .thenComparingInt(p -> p.note().program())
                .thenComparingInt(p -> p.note().pitch())
                .thenComparing(Comparator.comparingLong(Placed::steps).reversed())
                .thenComparing(Comparator.comparingInt(Placed::velocity).reversed()));

        TreeMap<Long, List<GridNote>> notes = new TreeMap<>();
        Placed previous = null;
        for (Placed p : placed) {
            boolean duplicate = previous != null && previous.position() == p.position()
                    && previous.note().program() == p.note().program() && previous.note().pitch() == p.note().pitch();
            if (!duplicate) {
                notes.computeIfAbsent(p.position(), k -> new ArrayList<>()).add(p.note());
            }
            previous = p;
        }

        TreeMap<Long, Integer> tempos = new TreeMap<>();
        if (config.tempos() && (!notes.isEmpty() || !score.tempos().isEmpty())) {
            TreeMap<Long, Integer> snapped = new TreeMap<>();
            snapped.put(0L, values.nearestTempo(60_000_000.0 / score.initialMicrosPerQuarter()));
            for (TempoChange t : score.tempos()) {
                if (t.tick() > 0) {
                    snapped.put(roundDiv(t.tick() * ppb, tpq), values.nearestTempo(t.bpm()));
                }
            }
            int current = -1;
            for (Map.Entry<Long, Integer> e : snapped.entrySet()) {
                if (e.getValue() != current) {
                    tempos.put(e.getKey(), e.getValue());
                    current = e.getValue();
                }
            }
        }

        List<Onset> onsets = new ArrayList<>();
        TreeSet<Long> positions = new TreeSet<>(notes.keySet());
        positions.addAll(tempos.keySet());
        for (long p : positions) {
            onsets.add(new Onset(p, tempos.getOrDefault(p, -1), notes.getOrDefault(p, List.of())));
        }
        return onsets;
    }

    /** Grid steps of a duration or time-shift value such as {@code 1.0.8}. */
    long durationSteps(String name) {
        return durationByName.get(name);
    }

    /** Writes an onset's tempo and notes at its position. */
    void onsetEvents(Onset onset, Events out) {
        if (onset.tempo() >= 0) {
            out.add("Tempo_" + values.tempoNames[onset.tempo()], onset.position());
        }
        for (GridNote n : onset.notes()) {
            if (config.programs()) {
                out.add("Program_" + n.program(), onset.position());
            }
            out.add((n.program() < 0 ? "PitchDrum_" : "Pitch_") + n.pitch(), onset.position());
            out.add("Velocity_" + values.velocities[n.velocity()], onset.position());
            out.add("Duration_" + values.durationNames[n.duration()], onset.position());
        }
    }

    /** a / b rounded half up, for b > 0 and a >= 0. */
    static long roundDiv(long a, long b) {
        return (2 * a + b) / (2 * b);
    }

    /** The events being written, with the beat each starts in. */
    final class Events {
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> beats = new ArrayList<>();

        void add(String token, long position) {
            tokens.add(token);
            beats.add((int) (position / config.positionsPerBeat()));
        }

        TokenSequence build() {
            int[] ids = new int[tokens.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = vocabulary.id(tokens.get(i));
            }
            return new TokenSequence(tokens, ids, beats.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** Decoding state: the current position (grid steps), bar, program and the note being read. */
    final class Decoding {
        long position;
        int bar = -1;
        int program;
        int pitch = -1;
        boolean drum;
        int velocity = -1;
        final TreeMap<Integer, List<Note>> notes = new TreeMap<>(); // program (-1 drums) -> notes
        final TreeMap<Long, Double> tempos = new TreeMap<>();
        private final long ticksPerStep = config.ticksPerQuarter() / config.positionsPerBeat();

        void addNote(long steps) {
            int key = drum ? -1 : config.programs() ? Math.max(program, 0) : 0;
            notes.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new Note(pitch, velocity, position * ticksPerStep, steps * ticksPerStep));
        }

        Score score() {
            List<Track> tracks = new ArrayList<>();
            notes.forEach((key, list) -> tracks.add(new Track(Math.max(key, 0), key < 0, list)));
            List<TempoChange> tempoChanges = new ArrayList<>();
            if (config.tempos()) {
                tempos.forEach((p, bpm) -> tempoChanges.add(TempoChange.ofBpm(p * ticksPerStep, bpm)));
            } else {
                tempoChanges.add(new TempoChange(0, TempoChange.DEFAULT_MICROS_PER_QUARTER));
            }
            return new Score(config.ticksPerQuarter(), tracks, tempoChanges, List.of(new TimeSignature(0, 4, 4)));
        }
    }
}
