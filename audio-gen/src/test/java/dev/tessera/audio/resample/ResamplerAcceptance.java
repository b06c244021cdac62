package dev.tessera.audio.resample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The acceptance tests of audio spec 1.1, run on any converter to 22,050 Hz, so TarsosDSP's resampler
 * and ours are measured by the same code.
 */
final class ResamplerAcceptance {

    static final int[] RATES = {8_000, 16_000, 24_000, 44_100, 48_000};
    static final int OUT = 22_050;
    static final double SECONDS = 1.0;
    static final double AMPLITUDE = 0.5;

    /** Figures for one input rate. */
    record RateFigures(int rate, double level1kDb, double highToneHz, double levelHighDb, int lengthError,
            int clickShift) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6d Hz: 1 kHz %+.4f dB, %.0f Hz %+.4f dB, length %+d, click %+d",
                    rate, level1kDb, highToneHz, levelHighDb, lengthError, clickShift);
        }
    }

    record Figures(List<RateFigures> rates, double alias15kFrom48kDb) {

        double worstLevelDb() {
            double worst = 0;
            for (RateFigures r : rates) {
                worst = Math.max(worst, Math.max(Math.abs(r.level1kDb), Math.abs(r.levelHighDb)));
            }
            return worst;
        }

        int worstLengthError() {
            return rates.stream().mapToInt(r -> Math.abs(r.lengthError)).max().orElse(0);
        }

        int worstClickShift() {
            return rates.stream().mapToInt(r -> Math.abs(r.clickShift)).max().orElse(0);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (RateFigures r : rates) {
                s.append(r).append('\n');
            }
            return s.append(String.format(Locale.ROOT, "15 kHz from 48 kHz: %.1f dB", alias15kFrom48kDb)).toString();
        }
    }

    private ResamplerAcceptance() {
    }

    /** @param convert (signal, input rate) → signal at 22,050 Hz */
    static Figures measure(BiFunction<float[], Integer, float[]> convert) {
        List<RateFigures> rows = new ArrayList<>();
        for (int fs : RATES) {
            int n = (int) Math.round(SECONDS * fs);
            double high = Math.min(8000, 0.8 * fs / 2);
            float[] y1 = convert.apply(tone(n, fs, 1000), fs);
            float[] yh = convert.apply(tone(n, fs, high), fs);
            int expected = (int) Math.round(n * (double) OUT / fs);
            float[] click = new float[n];
            // Even and off the half-sample grid, so exactly one output sample is nearest (44.1 kHz halves).
            int at = 2 * (int) (0.3711 * n / 2);
            click[at] = 1f;
            float[] yc = convert.apply(click, fs);
            int peak = argMaxAbs(yc);
            int ideal = (int) Math.round(at * (double) OUT / fs);
            rows.add(new RateFigures(fs, levelDb(y1, 1000), high, levelDb(yh, high), y1.length - expected,
                    peak - ideal));
        }
        float[] y = convert.apply(tone(48_000, 48_000, 15_000), 48_000);
        double outPower = meanSquare(y, y.length / 10, y.length - y.length / 10);
        double alias = 10 * Math.log10(outPower / (AMPLITUDE * AMPLITUDE / 2));
        return new Figures(rows, alias);
    }

    static float[] tone(int n, int fs, double hz) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * hz * i / fs + 0.3));
        }
        return x;
    }

    /** Level of the tone at {@code hz} in the middle 80% of y, relative to {@link #AMPLITUDE}, by least squares. */
    static double levelDb(float[] y, double hz) {
        double[] ab = fit(y, hz, y.length / 10, y.length - y.length / 10);
        return 20 * Math.log10(Math.hypot(ab[0], ab[1]) / AMPLITUDE);
    }

    /** Least-squares (a, b) of y ≈ a·cos + b·sin at {@code hz} over [from, to). */
    private static double[] fit(float[] y, double hz, int from, int to) {
        double scc = 0, sss = 0, scs = 0, syc = 0, sys = 0;
        for (int i = from; i < to; i++) {
            double c = Math.cos(2 * Math.PI * hz * i / OUT);
            double s = Math.sin(2 * Math.PI * hz * i / OUT);
            scc += c * c;
            sss += s * s;
            scs += c * s;
            syc += y[i] * c;
            sys += y[i] * s;
        }
        double det = scc * sss - scs * scs;
        double a = (syc * sss - sys * scs) / det;
        double b = (sys * scc - syc * scs) / det;
        return new double[] {a, b};
    }

    /**
     * Noise and distortion left after removing the best-fitting tone at {@code hz} from the middle 80% of
     * {@code convert(tone)}, in dB relative to the tone's power.
     */
    static double residualDb(BiFunction<float[], Integer, float[]> convert, int fs, double hz) {
        float[] y = convert.apply(tone(fs, fs, hz), fs);
        int from = y.length / 10;
        int to = y.length - y.length / 10;
        double[] ab = fit(y, hz, from, to);
        double e = 0;
        for (int i = from; i < to; i++) {
            double phase = 2 * Math.PI * hz * i / OUT;
            double r = y[i] - ab[0] * Math.cos(phase) - ab[1] * Math.sin(phase);
            e += r * r;
        }
        return 10 * Math.log10(e / (to - from) / (AMPLITUDE * AMPLITUDE / 2));
    }

    static double meanSquare(float[] y, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) y[i] * y[i];
        }
        return s / (to - from);
    }

    static int argMaxAbs(float[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (Math.abs(y[i]) > Math.abs(y[best])) {
                best = i;
            }
        }
        return best;
    }
}
