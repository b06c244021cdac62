package dev.tessera.image.train;

import dev.tessera.core.train.TrainingListener;
import dev.tessera.core.train.TrainingProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Early stopping on a validation metric where lower is better (held-out bits/token for the AR models,
 * specs/image.md 2.4: 6M parameters over 440k tokens will over-fit). At each validation that improves on
 * the best value the {@code onBest} action runs (e.g. export the EMA weights); after {@code patience}
 * validations in a row without improvement, {@code stop} runs (e.g. {@code trainer::cancel}, which
 * checkpoints and ends {@code fit()}).
 */
public final class EarlyStopping implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    /** What to do with a new best. */
    @FunctionalInterface
    public interface BestAction {
        void accept(long step, double value) throws IOException;
    }

    private final String metric;
    private final int patience;
    private final BestAction onBest;
    private final Runnable stop;
    private double best;
    private long bestStep = -1;
    private int worse;

    /**
     * @param metric key in the progress metrics, e.g. {@code val.bitsPerToken}
     * @param patience validations without improvement before stopping; 0 = never stop
     * @param best the best value so far (from an earlier session of a resumed run), or +Infinity
     */
    public EarlyStopping(String metric, int patience, double best, BestAction onBest, Runnable stop) {
        this.metric = metric;
        this.patience = patience;
        this.best = best;
        this.onBest = onBest;
        this.stop = stop;
    }

    @Override
    public void onProgress(TrainingProgress p) {
        Double v = p.metrics().get(metric);
        if (v == null) {
            return;
        }
        if (v < best) {
            best = v;
            bestStep = p.step();
            worse = 0;
            try {
                onBest.accept(p.step(), v);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the best weights of step " + p.step() + ": " + e.getMessage(), e);
            }
        } else if (patience > 0 && ++worse >= patience) {
            LOG.info("early stop at step {}: {} has not improved on {} (step {}) for {} validations", p.step(), metric,
                    best, bestStep, worse);
            stop.run();
        }
    }

    public double best() {
        return best;
    }

    /** Step of the best value in this session, or -1. */
    public long bestStep() {
        return bestStep;
    }
}
