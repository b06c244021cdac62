package dev.tessera.core.engine;

import java.nio.file.Path;

/**
 * How the tensor engine starts: where DJL unpacks the PyTorch natives, how many threads libtorch uses
 * and the seed that every random generator is derived from.
 *
 * <p>Thread counts must be known before the engine loads: libtorch cannot change its inter-op pool
 * afterwards (djl #2825). A value of 0 leaves libtorch's default (one intra-op thread per core).
 *
 * @param cacheDir folder for the unpacked natives (about 0.5 GB on first start)
 * @param intraOpThreads threads one operator may use; 0 = libtorch default
 * @param interOpThreads threads for independent operators; 0 = libtorch default
 * @param seed seed for {@link Seeds#seedAll}
 */
public record EngineConfig(Path cacheDir, int intraOpThreads, int interOpThreads, long seed) {

    public static final long DEFAULT_SEED = 20261129L;

    public EngineConfig {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0, got intra=" + intraOpThreads
                    + " inter=" + interOpThreads);
        }
    }

    /**
     * Defaults from the environment: {@code DJL_CACHE_DIR} (else {@code ~/.djl.ai}),
     * {@code TESSERA_THREADS}, {@code TESSERA_INTEROP_THREADS}, {@code TESSERA_SEED}.
     */
    public static EngineConfig fromEnvironment() {
        String cache = firstNonBlank(System.getProperty("DJL_CACHE_DIR"), System.getenv("DJL_CACHE_DIR"));
        Path dir = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".djl.ai");
        return new EngineConfig(dir,
                intEnv("TESSERA_THREADS", 0),
                intEnv("TESSERA_INTEROP_THREADS", 1),
                longEnv("TESSERA_SEED", DEFAULT_SEED));
    }

    public EngineConfig withSeed(long newSeed) {
        return new EngineConfig(cacheDir, intraOpThreads, interOpThreads, newSeed);
    }

    public EngineConfig withThreads(int intra, int inter) {
        return new EngineConfig(cacheDir, intra, inter, seed);
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'", e);
        }
    }

    private static long longEnv(String name, long fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'", e);
        }
    }
}
