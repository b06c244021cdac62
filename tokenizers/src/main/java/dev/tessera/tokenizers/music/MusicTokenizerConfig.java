package dev.tessera.tokenizers.music;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link MusicTokenizer} turns notes into events; the defaults are MidiTok's (spec §6.1).
 *
 * <p>Time is counted in grid steps: {@code positionsPerBeat} steps to a beat (a quarter note), four
 * beats to a bar. Onsets snap to the nearest step. Durations (and TSD's time shifts) take values from
 * {@code durations}: for each range, every multiple of 1/resolution beat from its first beat up to (not
 * including) its last, then the last range's end itself; MidiTok's default gives 1/8 beat steps up to 4
 * beats, then 1/4 beat steps up to 12 beats. Velocities snap to {@code velocityBins} levels
 * ⌊127·i/n⌋, i = 1…n; tempos to {@code tempoBins} values spread evenly over [tempoMin, tempoMax] BPM.
 *
 * @param pitchMin lowest pitch kept (21, A0); notes outside [pitchMin, pitchMax] are dropped
 * @param pitchMax highest pitch kept (108, C8)
 * @param drumPitchMin lowest drum pitch kept (27), as {@code PitchDrum} tokens
 * @param drumPitchMax highest drum pitch kept (88)
 * @param positionsPerBeat grid steps per beat (8): the onset quantization
 * @param durations the duration bins, as contiguous beat ranges from beat 0, each with its resolution;
 *     the first resolution equals {@code positionsPerBeat} and each divides it
 * @param velocityBins number of velocity levels (32)
 * @param tempoBins number of tempo values (32)
 * @param tempoMin slowest tempo value, BPM (40)
 * @param tempoMax fastest tempo value, BPM (250)
 * @param tempos whether {@code Tempo} tokens are made (off by default, as in MidiTok)
 * @param programs whether {@code Program} tokens precede each note (off by default; REMI+ when on)
 * @param ticksPerQuarter resolution of the scores {@link MusicTokenizer#decode} makes (480)
 */
public record MusicTokenizerConfig(int pitchMin, int pitchMax, int drumPitchMin, int drumPitchMax,
                                   int positionsPerBeat, List<BeatRange> durations, int velocityBins,
                                   int tempoBins, double tempoMin, double tempoMax, boolean tempos,
                                   boolean programs, int ticksPerQuarter) {

    /** Beats in a bar: bars are 4/4 (time signatures are not tokenized yet). */
    public static final int BEATS_PER_BAR = 4;

    /**
     * Durations from {@code fromBeat} (inclusive) to {@code toBeat} (exclusive) in steps of 1/resolution beat.
     */
    public record BeatRange(int fromBeat, int toBeat, int resolution) {
        public BeatRange {
            if (fromBeat < 0 || toBeat <= fromBeat || resolution < 1) {
                throw new IllegalArgumentException("bad beat range [" + fromBeat + ", " + toBeat + ") at resolution "
                        + resolution);
            }
        }
    }

    public MusicTokenizerConfig {
        durations = List.copyOf(durations);
        require(0 <= pitchMin && pitchMin <= pitchMax && pitchMax <= 127, "pitch range must lie in 0–127, got "
                + pitchMin + "–" + pitchMax);
        require(0 <= drumPitchMin && drumPitchMin <= drumPitchMax && drumPitchMax <= 127,
                "drum pitch range must lie in 0–127, got " + drumPitchMin + "–" + drumPitchMax);
        require(positionsPerBeat >= 1 && positionsPerBeat <= 64, "positionsPerBeat must be 1–64, got " + positionsPerBeat);
        require(!durations.isEmpty() && durations.get(0).fromBeat() == 0, "duration ranges must start at beat 0");
        require(durations.get(0).resolution() == positionsPerBeat, "the first duration range's resolution ("
                + durations.get(0).resolution() + ") must equal positionsPerBeat (" + positionsPerBeat
                + ") so that one grid step is a duration and a time shift");
        for (int i = 0; i < durations.size(); i++) {
            BeatRange r = durations.get(i);
            require(positionsPerBeat % r.resolution() == 0, "duration resolution " + r.resolution()
                    + " must divide positionsPerBeat " + positionsPerBeat);
            require(i == 0 || durations.get(i - 1).toBeat() == r.fromBeat(), "duration ranges must be contiguous, got "
                    + durations);
        }
        require(velocityBins >= 1 && velocityBins <= 127, "velocityBins must be 1–127, got " + velocityBins);
        require(tempoBins >= 1 && tempoMin > 0 && tempoMin <= tempoMax, "tempo bins need 0 < tempoMin <= tempoMax and "
                + "at least one bin, got " + tempoBins + " bins over " + tempoMin + "–" + tempoMax);
        require(ticksPerQuarter >= 1 && ticksPerQuarter <= 0x7FFF && ticksPerQuarter % positionsPerBeat == 0,
                "ticksPerQuarter must be 1–32767 and a multiple of positionsPerBeat " + positionsPerBeat + ", got "
                        + ticksPerQuarter);
    }

    /** MidiTok's defaults: pitches 21–108, 8 positions a beat, 32 velocities, tempos and programs off. */
    public static MusicTokenizerConfig defaults() {
        return new MusicTokenizerConfig(21, 108, 27, 88, 8,
                List.of(new BeatRange(0, 4, 8), new BeatRange(4, 12, 4)), 32, 32, 40, 250, false, false,
                MidiFiles.DEFAULT_TICKS_PER_QUARTER);
    }

    /**
     * The defaults, with programs on when the score has more than one melodic program (REMI+, as the
     * spec asks for multi-track input). Drums alone do not need programs: they have their own tokens.
     */
    public static MusicTokenizerConfig defaultsFor(Score score) {
        long melodicPrograms = score.tracks().stream().filter(t -> !t.drums() && !t.notes().isEmpty())
                .mapToInt(Track::program).distinct().count();
        return defaults().withPrograms(melodicPrograms > 1);
    }

    public MusicTokenizerConfig withTempos(boolean on) {
        return new MusicTokenizerConfig(pitchMin, pitchMax, drumPitchMin, drumPitchMax, positionsPerBeat, durations,
                velocityBins, tempoBins, tempoMin, tempoMax, on, programs, ticksPerQuarter);
    }

    public MusicTokenizerConfig withPrograms(boolean on) {
        return new MusicTokenizerConfig(pitchMin, pitchMax, drumPitchMin, drumPitchMax, positionsPerBeat, durations,
                velocityBins, tempoBins, tempoMin, tempoMax, tempos, on, ticksPerQuarter);
    }

    /** This configuration as JSON (field names as in the record), for {@code tokenizer.meta.json}. */
    public JsonObject toJson() {
        JsonArray ranges = new JsonArray();
        for (BeatRange r : durations) {
            ranges.add(new JsonArray().add(r.fromBeat()).add(r.toBeat()).add(r.resolution()));
        }
        return new JsonObject().put("pitchMin", pitchMin).put("pitchMax", pitchMax)
                .put("drumPitchMin", drumPitchMin).put("drumPitchMax", drumPitchMax)
                .put("positionsPerBeat", positionsPerBeat).put("durations", ranges)
                .put("velocityBins", velocityBins).put("tempoBins", tempoBins).put("tempoMin", tempoMin)
                .put("tempoMax", tempoMax).put("tempos", tempos).put("programs", programs)
                .put("ticksPerQuarter", ticksPerQuarter);
    }

    /** Reads {@link #toJson}; a missing field is an {@link IllegalArgumentException} naming it. */
    public static MusicTokenizerConfig fromJson(JsonObject json) {
        if (json == null) {
            throw new IllegalArgumentException("no event configuration");
        }
        for (String key : List.of("pitchMin", "pitchMax", "drumPitchMin", "drumPitchMax", "positionsPerBeat",
                "durations", "velocityBins", "tempoBins", "tempoMin", "tempoMax", "tempos", "programs",
                "ticksPerQuarter")) {
            if (!json.containsKey(key)) {
                throw new IllegalArgumentException("the event configuration lacks \"" + key + "\"");
            }
        }
        List<BeatRange> ranges = new ArrayList<>();
        JsonArray durationsJson = json.getJsonArray("durations");
        for (int i = 0; i < durationsJson.size(); i++) {
            JsonArray r = durationsJson.getJsonArray(i);
            ranges.add(new BeatRange(r.getInteger(0), r.getInteger(1), r.getInteger(2)));
        }
        return new MusicTokenizerConfig(json.getInteger("pitchMin"), json.getInteger("pitchMax"),
                json.getInteger("drumPitchMin"), json.getInteger("drumPitchMax"), json.getInteger("positionsPerBeat"),
                ranges, json.getInteger("velocityBins"), json.getInteger("tempoBins"), json.getDouble("tempoMin"),
                json.getDouble("tempoMax"), json.getBoolean("tempos"), json.getBoolean("programs"),
                json.getInteger("ticksPerQuarter"));
    }

    /** Grid steps in a bar. */
    public int positionsPerBar() {
        return positionsPerBeat * BEATS_PER_BAR;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
