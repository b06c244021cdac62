package dev.tessera.core.engine;

import ai.djl.engine.Engine;
import java.util.SplittableRandom;

/**
 * Reproducible randomness. One root seed, set by {@link #seedAll}, and named streams derived from it:
 * {@code Seeds.stream("data", step)} gives the same generator for the same (root, name, index) in any
 * run, which is what lets a resumed training run continue exactly where it stopped.
 */
public final class Seeds {

    private static volatile long root = EngineConfig.DEFAULT_SEED;

    private Seeds() {
    }

    /** Sets the root seed and seeds libtorch's generator with it. */
    public static synchronized void seedAll(long seed) {
        root = seed;
        Engine.getEngine("PyTorch").setRandomSeed(toInt(seed));
    }

    /** Re-seeds libtorch (dropout, random initialisation) for one named step of work. */
    public static void seedEngine(String name, long index) {
        Engine.getEngine("PyTorch").setRandomSeed(toInt(derive(name, index)));
    }

    public static long root() {
        return root;
    }

    /** A Java generator for one named stream and index, independent of every other stream. */
    public static SplittableRandom stream(String name, long index) {
        return new SplittableRandom(derive(name, index));
    }

    /** A 64-bit seed mixed from the root, a stream name and an index (SplitMix64 finaliser). */
    public static long derive(String name, long index) {
        long h = root ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = mix(h + name.charAt(i));
        }
        return mix(h ^ mix(index + 0x632BE59BD9B4E019L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int toInt(long seed) {
        // torch.manual_seed takes 64 bits but DJL passes an int; fold both halves in.
        return (int) (seed ^ (seed >>> 32)) & 0x7FFFFFFF;
    }
}
