package dev.tessera.core.train;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows training progress to a person: a progress bar (steps, loss, steps/s, ETA) when the process has
 * a terminal, otherwise one log line every {@code logEvery} steps and at the end, so that a log file or
 * CI output stays readable.
 */
public final class TerminalProgress implements TrainingListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalProgress.class);

    private final String taskName;
    private final long logEvery;
    private final boolean bar;
    private final Consumer<String> lines;
    private ProgressBar progressBar;

    /** A bar when {@code System.console() != null}, else log lines through SLF4J. */
    public TerminalProgress(String taskName, long logEvery) {
        this(taskName, logEvery, System.console() != null, LOG::info);
    }

    /**
     * @param bar whether to draw a bar (on standard error) rather than write lines
     * @param lines where lines go when there is no bar
     */
    public TerminalProgress(String taskName, long logEvery, boolean bar, Consumer<String> lines) {
        if (logEvery < 1) {
            throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
        }
        this.taskName = taskName;
        this.logEvery = logEvery;
        this.bar = bar;
        this.lines = lines;
    }

    @Override
    public void onProgress(TrainingProgress p) {
        if (!bar) {
            if (p.step() % logEvery == 0 || p.step() == p.totalSteps()) {
                lines.accept(taskName + ": " + p.summary());
            }
            return;
        }
        if (progressBar == null) {
            // A resumed run starts the bar at its first step, so speed and ETA count this session only.
            progressBar = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(p.totalSteps())
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed()
                    .setUpdateIntervalMillis(250).startsFrom(p.step() - 1, Duration.ZERO).build();
        }
        progressBar.stepTo(p.step());
        progressBar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.1e |g| %.2f", p.loss(),
                p.learningRate(), p.gradNorm()));
    }

    @Override
    public void onEnd(TrainingResult result) {
        close();
        String how = result.cancelled() ? "cancelled" : "done";
        lines.accept(String.format(Locale.ROOT, "%s: %s at step %d/%d, loss %.4f, %s of training%s", taskName, how,
                result.step(), result.totalSteps(), result.lastLoss(), TrainingProgress.formatSeconds(result.trainSeconds()),
                result.checkpoint() == null ? "" : ", checkpoint " + result.checkpoint()));
    }

    @Override
    public void close() {
        if (progressBar != null) {
            progressBar.close();
            progressBar = null;
        }
    }
}
