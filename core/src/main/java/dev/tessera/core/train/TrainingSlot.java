package dev.tessera.core.train;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one training run a JVM may hold at a time. DJL's PyTorch engine allows a single open
 * {@code GradientCollector} per JVM (PtGradientCollector keeps a static flag and throws a bare
 * IllegalStateException from the second), and two runs stepping in turn would also read each other's
 * un-zeroed gradients. So a run takes the slot before its first step and gives it back at its end; a
 * second run is refused at once, naming the run that holds it.
 *
 * <p>Training code that opens its own collectors (e.g. an adversarial loop with two optimizers) takes
 * the slot the same way.
 */
public final class TrainingSlot implements AutoCloseable {

    private record Holder(String run, String thread, Instant since) {
    }

    private static final AtomicReference<Holder> HELD = new AtomicReference<>();

    private final Holder holder;

    private TrainingSlot(Holder holder) {
        this.holder = holder;
    }

    /**
     * Takes the slot for a run.
     *
     * @param run what to call the run in the refusal message of a second one
     * @throws TrainingException with code BUSY when another run holds it
     */
    public static TrainingSlot acquire(String run) {
        Holder mine = new Holder(run, Thread.currentThread().getName(), Instant.now());
        if (!HELD.compareAndSet(null, mine)) {
            Holder other = HELD.get();
            String who = other == null ? "another run" : "run '" + other.run() + "' (thread " + other.thread()
                    + ", since " + other.since() + ")";
            throw new TrainingException(TrainingException.Code.BUSY, "cannot start training run '" + run + "': "
                    + who + " is training in this JVM, and DJL's PyTorch engine allows only one GradientCollector "
                    + "per JVM; wait for it to finish or cancel it, or train in a separate process");
        }
        return new TrainingSlot(mine);
    }

    /** The run holding the slot now, or null. */
    public static String holder() {
        Holder h = HELD.get();
        return h == null ? null : h.run();
    }

    @Override
    public void close() {
        HELD.compareAndSet(holder, null);
    }
}
