package dev.tessera.tokenizers.music;

import dev.tessera.tokenizers.music.MusicTokenizerConfig.BeatRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The values a config allows for durations (and time shifts), velocities and tempos, with their token
 * spellings and the nearest-value rules that snap a note onto them. Durations are in grid steps.
 */
final class EventValues {

    final long[] durationSteps;    // ascending, durationSteps[0] == 1
    final String[] durationNames;  // "beats.positions.resolution", e.g. "1.0.8"
    final int[] velocities;        // ascending, ⌊127·i/n⌋
    final double[] tempos;         // ascending BPM, rounded to 2 decimals as MidiTok rounds them
    final String[] tempoNames;

    EventValues(MusicTokenizerConfig c) {
        List<long[]> steps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (BeatRange r : c.durations()) {
            for (int beat = r.fromBeat(); beat < r.toBeat(); beat++) {
                for (int pos = 0; pos < r.resolution(); pos++) {
                    if (beat == 0 && pos == 0) {
                        continue; // no zero duration
                    }
                    steps.add(new long[] {(long) (beat * r.resolution() + pos) * (c.positionsPerBeat() / r.resolution())});
                    names.add(beat + "." + pos + "." + r.resolution());
                }
            }
        }
        BeatRange last = c.durations().get(c.durations().size() - 1);
        steps.add(new long[] {(long) last.toBeat() * c.positionsPerBeat()});
        names.add(last.toBeat() + ".0." + last.resolution());
        durationSteps = steps.stream().mapToLong(s -> s[0]).toArray();
        durationNames = names.toArray(String[]::new);

        velocities = new int[c.velocityBins()];
        for (int i = 1; i <= velocities.length; i++) {
            velocities[i - 1] = 127 * i / velocities.length;
        }

        tempos = new double[c.tempoBins()];
        tempoNames = new String[c.tempoBins()];
        for (int i = 0; i < tempos.length; i++) {
            double t = tempos.length == 1 ? c.tempoMin()
                    : i == tempos.length - 1 ? c.tempoMax()
                    : c.tempoMin() + i * (c.tempoMax() - c.tempoMin()) / (tempos.length - 1);
            tempos[i] = Math.round(t * 100) / 100.0;
            tempoNames[i] = Double.toString(tempos[i]);
        }
    }

    /**
     * The duration bin nearest to {@code ticks} at {@code ticksPerQuarter} (ties to the shorter), compared
     * exactly: |steps·tpq − ticks·ppb| over the common denominator.
     */
    int nearestDuration(long ticks, int ticksPerQuarter, int positionsPerBeat) {
        long target = ticks * positionsPerBeat;
        int best = 0;
        long bestError = Long.MAX_VALUE;
        for (int i = 0; i < durationSteps.length; i++) {
            long error = Math.abs(durationSteps[i] * ticksPerQuarter - target);
            if (error < bestError) {
                best = i;
                bestError = error;
            }
        }
        return best;
    }

    /** The velocity level nearest to {@code velocity} (ties to the softer). */
    int nearestVelocity(int velocity) {
        int best = 0;
        for (int i = 1; i < velocities.length; i++) {
            if (Math.abs(velocities[i] - velocity) < Math.abs(velocities[best] - velocity)) {
                best = i;
            }
        }
        return best;
    }

    /** The tempo value nearest to {@code bpm} (ties to the slower). */
    int nearestTempo(double bpm) {
        int best = 0;
        for (int i = 1; i < tempos.length; i++) {
            if (Math.abs(tempos[i] - bpm) < Math.abs(tempos[best] - bpm)) {
                best = i;
            }
        }
        return best;
    }

    /** The largest duration bin of at most {@code steps} steps (time shifts chain these). */
    int largestDurationAtMost(long steps) {
        int i = durationSteps.length - 1;
        while (durationSteps[i] > steps) {
            i--;
        }
        return i;
    }
}
