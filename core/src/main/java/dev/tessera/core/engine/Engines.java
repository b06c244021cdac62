package dev.tessera.core.engine;

import ai.djl.engine.Engine;

/**
 * The one place the tensor engine is started. DJL reads its settings from system properties when the
 * PyTorch engine class first loads, so they are set here, before anything touches {@link Engine}.
 *
 * <p>{@code ai.djl.offline=true} makes DJL take the natives from the {@code pytorch-native-cpu} jar on
 * the class path and never download anything. A user with a GPU points {@code PYTORCH_LIBRARY_PATH} at
 * a local libtorch instead (see docs/engine.md).
 */
public final class Engines {

    private static volatile EngineConfig started;

    private Engines() {
    }

    /** Starts the engine with settings from the environment; see {@link EngineConfig#fromEnvironment()}. */
    public static Engine start() {
        return start(EngineConfig.fromEnvironment());
    }

    /**
     * Starts the engine once per JVM and seeds every generator. A second call with other thread counts
     * cannot take effect (libtorch keeps its pools), so it is refused rather than silently ignored.
     */
    public static synchronized Engine start(EngineConfig config) {
        if (started != null) {
            if (started.intraOpThreads() != config.intraOpThreads()
                    || started.interOpThreads() != config.interOpThreads()) {
                throw new IllegalStateException("the engine already runs with intra=" + started.intraOpThreads()
                        + " inter=" + started.interOpThreads() + " threads; thread counts cannot change after start");
            }
            Seeds.seedAll(config.seed());
            return Engine.getEngine("PyTorch");
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_CACHE_DIR", config.cacheDir().toAbsolutePath().toString());
        // Logs the PyTorch graph-optimizer notice otherwise; we run eager.
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (config.intraOpThreads() > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(config.intraOpThreads()));
        }
        if (config.interOpThreads() > 0) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(config.interOpThreads()));
        }
        Engine engine = Engine.getEngine("PyTorch");
        started = config;
        Seeds.seedAll(config.seed());
        return engine;
    }

    /**
     * Applies the configured intra-op thread count to the calling thread. libtorch keeps OpenMP's thread
     * count per thread: {@code ai.djl.pytorch.num_threads} reaches only the thread that loaded the engine,
     * and every other thread (model workers, trainer threads) would use one thread per core. On a shared
     * 2-core machine that made a small model 30-80x slower on worker threads (measured by the bus
     * benchmark). Cheap; model verticles call it before every batch and the trainer before it runs.
     */
    public static void applyThreadSettings() {
        EngineConfig config = started;
        if (config != null && config.intraOpThreads() > 0
                && ai.djl.pytorch.jni.JniUtils.getNumThreads() != config.intraOpThreads()) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(config.intraOpThreads());
        }
    }

    /** The settings the engine started with, or null before {@link #start}. */
    public static EngineConfig config() {
        return started;
    }
}
