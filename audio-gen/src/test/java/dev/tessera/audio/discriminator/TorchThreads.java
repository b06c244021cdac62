package dev.tessera.audio.discriminator;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs libtorch's operators on one intra-op thread in the calling thread until closed, then restores the
 * previous count. The training tests step tiny networks whose operators last microseconds; on a shared
 * two-core machine under load, two OpenMP workers spin-waiting for each other made the same step 10 to
 * 100 times slower (and its time erratic) than one thread did.
 */
final class TorchThreads implements AutoCloseable {

    private final int previous;

    private TorchThreads(int threads) {
        this.previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
    }

    static TorchThreads one() {
        return new TorchThreads(1);
    }

    @Override
    public void close() {
        JniUtils.setNumThreads(previous);
    }
}
