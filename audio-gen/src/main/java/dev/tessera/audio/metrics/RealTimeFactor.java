package dev.tessera.audio.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * Real-time factor (audio spec 6.4): RTF = seconds of compute ÷ seconds of audio, "× real time" = 1/RTF.
 * The protocol is warm-up runs first, then the median of timed runs (spec: 3 and 10).
 *
 * @param medianSeconds median wall time of one run
 * @param audioSeconds audio one run produces
 * @param runs timed runs
 */
public record RealTimeFactor(double medianSeconds, double audioSeconds, int runs) {

    public static final int WARMUPS = 3;
    public static final int RUNS = 10;

    /** Times {@code work} (which produces {@code audioSeconds} of audio per run) with the spec's protocol. */
    public static RealTimeFactor measure(Runnable work, double audioSeconds) {
        return measure(work, audioSeconds, WARMUPS, RUNS);
    }

    public static RealTimeFactor measure(Runnable work, double audioSeconds, int warmups, int runs) {
        if (!(audioSeconds > 0) || runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("need audioSeconds > 0, runs >= 1 and warmups >= 0");
        }
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        double median = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
        return new RealTimeFactor(median, audioSeconds, runs);
    }

    public double rtf() {
        return medianSeconds / audioSeconds;
    }

    public double timesRealTime() {
        return audioSeconds / medianSeconds;
    }

    /** Achieved throughput when one run costs {@code macsPerRun} multiply-accumulates. */
    public double gmacPerSecond(double macsPerRun) {
        return macsPerRun / medianSeconds / 1e9;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RTF %.4f (%.2fx real time), median %.4f s for %.2f s of audio over %d runs",
                rtf(), timesRealTime(), medianSeconds, audioSeconds, runs);
    }
}
