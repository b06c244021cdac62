package dev.tessera.tokenizers.music;

/**
 * Pitch-class entropy (spec §6.3, after "From Words to Music" and the Jazz Transformer): the Shannon
 * entropy, in bits, of a piece's 12-bin histogram of note onsets by pitch class, drums excluded. 0 for a
 * piece on one pitch class, at most log₂ 12 ≈ 3.585 when all twelve are equally frequent.
 */
public final class PitchClassEntropy {

    /** The largest value: log₂ 12. */
    public static final double MAX_BITS = Math.log(12) / Math.log(2);

    private PitchClassEntropy() {
    }

    /** Note onsets per pitch class (C = 0), melodic tracks only. */
    public static long[] histogram(Score score) {
        long[] counts = new long[12];
        for (Track track : score.tracks()) {
            if (!track.drums()) {
                for (Note note : track.notes()) {
                    counts[note.pitch() % 12]++;
                }
            }
        }
        return counts;
    }

    /** The entropy in bits; 0 for a piece without melodic notes. */
    public static double of(Score score) {
        return bits(histogram(score));
    }

    /** Shannon entropy in bits of a histogram. */
    static double bits(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(2);
    }
}
