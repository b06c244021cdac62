package dev.tessera.tokenizers.music;

import java.util.Arrays;

/**
 * The structure indicator (SI) of the Jazz Transformer (Wu &amp; Yang), as spec §6.3 asks for it: the largest
 * fitness, over all segments whose duration lies in a range, in the fitness scape plot (Müller, Jiang and
 * Grosche) of a chroma self-similarity matrix. A piece that repeats a phrase of that length scores high;
 * one without repetition scores near 0.
 *
 * <p>Our choices where the sources leave them open (spec §8): chroma comes from the piano roll, not from
 * audio: each melodic note adds its sounding time (seconds, through the tempo map) to its pitch class in
 * each frame of {@link #FRAMES_PER_SECOND}; frames are scaled to unit length (silent frames become the
 * uniform vector); the self-similarity matrix is their dot products, thresholded as the FMP notebooks do
 * (the top {@link #KEEP_SHARE} of cells kept and scaled to [0, 1], the rest set to {@link #PENALTY}), with
 * no path-enhancing smoothing, since a quantized score has none of audio's noise. The fitness of a segment
 * follows FMP's {@code compute_fitness}: the optimal path family over the segment's columns (steps (1,1),
 * (1,2), (2,1), paths joined through an "elevator" column), its score and coverage normalized by
 * subtracting the segment's own trivial path, then their harmonic mean; a segment that repeats nowhere else
 * has fitness 0.
 */
public final class StructureIndicator {

    /** Chroma frames per second. */
    public static final double FRAMES_PER_SECOND = 2.0;
    /** Share of self-similarity cells kept by the relative threshold. */
    public static final double KEEP_SHARE = 0.15;
    /** Value of the cells below the threshold. */
    public static final double PENALTY = -2.0;

    /** A range of segment durations in seconds; the Jazz Transformer's are 3–8, 8–15 and 15 upwards. */
    public record Range(double minSeconds, double maxSeconds) {
        public static final Range SHORT = new Range(3, 8);
        public static final Range MEDIUM = new Range(8, 15);
        public static final Range LONG = new Range(15, Double.POSITIVE_INFINITY);

        public Range {
            if (!(minSeconds > 0) || !(maxSeconds >= minSeconds)) {
                throw new IllegalArgumentException("a duration range needs 0 < min <= max seconds, got " + minSeconds
                        + "–" + maxSeconds);
            }
        }
    }

    private StructureIndicator() {
    }

    /** SI of a score over segments in {@code range}; 0 when the piece is shorter than the range. */
    public static double of(Score score, Range range) {
        return ofMatrix(selfSimilarity(chroma(score, FRAMES_PER_SECOND)), range, FRAMES_PER_SECOND);
    }

    /** SI of a thresholded self-similarity matrix whose frames last 1/{@code framesPerSecond} s. */
    static double ofMatrix(double[][] s, Range range, double framesPerSecond) {
        int n = s.length;
        int minLength = Math.max(1, (int) Math.ceil(range.minSeconds() * framesPerSecond - 1e-9));
        int maxLength = (int) Math.min(n, Math.floor(range.maxSeconds() * framesPerSecond + 1e-9));
        double best = 0;
        double[] d = new double[n * (maxLength + 1)];
        for (int length = minLength; length <= maxLength; length++) {
            for (int start = 0; start + length <= n; start++) {
                best = Math.max(best, fitness(s, start, length, d));
            }
        }
        return best;
    }

    /** Chroma frames of a score's melodic notes: (frames, 12), seconds of sounding per pitch class. */
    public static double[][] chroma(Score score, double framesPerSecond) {
        TempoMap clock = new TempoMap(score);
        double end = clock.seconds(score.endTick());
        int frames = Math.max(1, (int) Math.ceil(end * framesPerSecond));
        double[][] chroma = new double[frames][12]; // (frames, 12)
        for (Track track : score.tracks()) {
            if (track.drums()) {
                continue;
            }
            for (Note note : track.notes()) {
                double t0 = clock.seconds(note.onset()) * framesPerSecond; // in frames
                double t1 = clock.seconds(note.end()) * framesPerSecond;
                for (int f = (int) Math.floor(t0); f < Math.min(frames, Math.ceil(t1)); f++) {
                    double overlap = Math.min(t1, f + 1) - Math.max(t0, f);
                    if (overlap > 0) {
                        chroma[f][note.pitch() % 12] += overlap / framesPerSecond;
                    }
                }
            }
        }
        return chroma;
    }

    /** Unit-length frames (silent ones uniform), their dot products, then the relative threshold. */
    static double[][] selfSimilarity(double[][] chroma) {
        int n = chroma.length;
        double[][] x = new double[n][12];
        for (int f = 0; f < n; f++) {
            double norm = 0;
            for (double v : chroma[f]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < 12; k++) {
                x[f][k] = norm > 0 ? chroma[f][k] / norm : 1 / Math.sqrt(12);
            }
        }
        double[][] s = new double[n][n]; // (N, N)
        double[] all = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < 12; k++) {
                    dot += x[i][k] * x[j][k];
                }
                s[i][j] = dot;
                all[i * n + j] = dot;
            }
        }
        threshold(s, all);
        return s;
    }

    /**
     * FMP's {@code threshold_matrix} with strategy "relative", scale and penalty: cells below the
     * (1 − {@link #KEEP_SHARE}) quantile (numpy's linear interpolation) or not positive become
     * {@link #PENALTY}; the rest are scaled from [their minimum, the maximum] to [0, 1].
     */
    private static void threshold(double[][] s, double[] all) {
        Arrays.sort(all);
        double q = (1 - KEEP_SHARE) * (all.length - 1);
        int lo = (int) Math.floor(q);
        int hi = Math.min(all.length - 1, lo + 1);
        double cut = all[lo] + (all[hi] - all[lo]) * (q - lo);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : s) {
            for (double v : row) {
                if (v >= cut && v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        for (double[] row : s) {
            for (int j = 0; j < row.length; j++) {
                double v = row[j];
                if (!(v >= cut && v > 0)) {
                    row[j] = PENALTY;
                } else if (max > min) {
                    row[j] = (v - min) / (max - min);
                }
            }
        }
    }

    /**
     * Fitness of the segment of frames {@code [start, start + length)} (FMP's accumulated score matrix,
     * optimal path family and {@code compute_fitness}); {@code d} is scratch space of at least
     * N × (length + 1) values.
     */
    static double fitness(double[][] s, int start, int length, double[] d) {
        int n = s.length;
        int w = length + 1; // column 0 is the elevator, column m >= 1 is segment frame m - 1
        double inf = Double.NEGATIVE_INFINITY;
        Arrays.fill(d, 0, n * w, inf);
        d[0] = 0;
        d[1] = s[0][start];
        for (int r = 1; r < n; r++) {
            int row = r * w;
            int up = row - w;
            int up2 = r >= 2 ? up - w : -1;
            d[row] = Math.max(d[up], d[up + length]);
            d[row + 1] = d[row] + s[r][start];
            for (int m = 2; m <= length; m++) {
                double best = Math.max(d[up + m - 1], d[up + m - 2]);
                if (up2 >= 0) {
                    best = Math.max(best, d[up2 + m - 1]);
                }
                d[row + m] = s[r][start + m - 1] + best;
            }
        }
        double score = Math.max(d[(n - 1) * w], d[(n - 1) * w + length]);

        // Backtracking (FMP's compute_optimal_path_family): count each path's points and the rows it spans.
        long points = 0;
        long coverage = 0;
        int pathTop = -1; // highest row of the current path (backtracking walks downwards in rows)
        int pathBottom = -1;
        int r = n - 1;
        int m;
        if (d[r * w + length] < d[r * w]) {
            m = 0;
        } else {
            m = length;
            pathTop = r;
            pathBottom = r;
            points++;
        }
        while (r > 0 || m > 0) {
            int nr;
            int nm;
            if (r == 0) {
                nr = 0;
                nm = m - 1;
            } else if (m == 0) {
                if (d[(r - 1) * w + length] > d[(r - 1) * w]) {
                    nr = r - 1;
                    nm = length;
                    if (pathTop >= 0) {
                        coverage += pathTop - pathBottom + 1;
                    }
                    pathTop = nr;
                    pathBottom = nr;
                    points++;
                } else {
                    nr = r - 1;
                    nm = 0;
                }
            } else if (m == 1) {
                nr = r;
                nm = 0;
            } else {
                // Predecessors in FMP's order; the first strictly better one wins.
                nr = r - 1;
                nm = m - 1;
                double best = d[nr * w + nm];
                if (r > 2 && d[(r - 2) * w + m - 1] > best) {
                    nr = r - 2;
                    nm = m - 1;
                    best = d[nr * w + nm];
                }
                if (m > 2 && d[(r - 1) * w + m - 2] > best) {
                    nr = r - 1;
                    nm = m - 2;
                }
                pathBottom = nr;
                points++;
            }
            r = nr;
            m = nm;
        }
        if (pathTop >= 0) {
            coverage += pathTop - pathBottom + 1;
        }
        double scoreN = (score - length) / Math.max(1, points);
        double coverageN = (double) (coverage - length) / n;
        return scoreN > 0 && coverageN > 0 ? 2 * scoreN * coverageN / (scoreN + coverageN) : 0;
    }

    /** Ticks to seconds through a score's tempo changes (120 BPM until the first). */
    private static final class TempoMap {
        private final long[] ticks;
        private final double[] secondsAt;
        private final double[] secondsPerTick;

        TempoMap(Score score) {
            int tpq = score.ticksPerQuarter();
            java.util.List<TempoChange> changes = new java.util.ArrayList<>();
            changes.add(new TempoChange(0, score.initialMicrosPerQuarter()));
            for (TempoChange t : score.tempos()) {
                if (t.tick() > 0) {
                    changes.add(t);
                }
            }
            ticks = new long[changes.size()];
            secondsAt = new double[changes.size()];
            secondsPerTick = new double[changes.size()];
            for (int i = 0; i < changes.size(); i++) {
                ticks[i] = changes.get(i).tick();
                secondsPerTick[i] = changes.get(i).microsPerQuarter() / 1e6 / tpq;
                secondsAt[i] = i == 0 ? 0 : secondsAt[i - 1] + (ticks[i] - ticks[i - 1]) * secondsPerTick[i - 1];
            }
        }

        double seconds(long tick) {
            int i = Arrays.binarySearch(ticks, tick);
            if (i < 0) {
                i = -i - 2;
            }
            return secondsAt[i] + (tick - ticks[i]) * secondsPerTick[i];
        }
    }
}
