package dev.tessera.audio.discriminator;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs libtorch's operators on one intra-op thread in the calling thread, then restores the previous
 * count: as a try-with-resources scope ({@link #one()}) or for a whole test class
 * ({@code @ExtendWith(TorchThreads.class)}). The discriminator tests step tiny networks whose operators
 * last microseconds; on a shared two-core machine under load, two OpenMP workers spin-waiting for each
 * other made the same training step 10 to 100 times slower, and its time erratic, compared with one thread.
 */
public final class TorchThreads implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private int previous;

    /** For {@code @ExtendWith}. */
    public TorchThreads() {
    }

    static TorchThreads one() {
        TorchThreads t = new TorchThreads();
        t.previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        return t;
    }

    @Override
    public void close() {
        JniUtils.setNumThreads(previous);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        dev.tessera.core.engine.Engines.start();
        previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
