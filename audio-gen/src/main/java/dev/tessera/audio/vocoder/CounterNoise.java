package dev.tessera.audio.vocoder;

/**
 * Standard normal noise keyed by (seed, block), block = floor(n / 4096) of the absolute sample index n
 * (audio spec 2.5): sample n of an utterance is the same number however the utterance is batched,
 * padded or cut into chunks. Each block's 4096 values come from its own SplitMix64 stream through the
 * Box-Muller transform, so they are the same on every JVM.
 */
public final class CounterNoise {

    public static final int BLOCK = 4096;

    private CounterNoise() {
    }

    /** eps[start .. start + length) of the stream {@code seed}. */
    public static float[] gaussian(long seed, long start, int length) {
        if (start < 0 || length < 0) {
            throw new IllegalArgumentException("need start >= 0 and length >= 0, got " + start + " and " + length);
        }
        float[] out = new float[length];
        float[] block = new float[BLOCK];
        long current = -1;
        for (int i = 0; i < length; i++) {
            long n = start + i;
            long b = n / BLOCK;
            if (b != current) {
                fillBlock(seed, b, block);
                current = b;
            }
            out[i] = block[(int) (n % BLOCK)];
        }
        return out;
    }

    private static void fillBlock(long seed, long blockIndex, float[] block) {
        long state = mix(mix(seed ^ 0x5DEECE66DL) + blockIndex * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < BLOCK; i += 2) {
            state += 0x9E3779B97F4A7C15L;
            double u1 = ((mix(state) >>> 11) + 1) * 0x1.0p-53;     // (0, 1]: log is finite
            state += 0x9E3779B97F4A7C15L;
            double u2 = (mix(state) >>> 11) * 0x1.0p-53;           // [0, 1)
            double r = Math.sqrt(-2 * Math.log(u1));
            block[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            block[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
