package dev.tessera.distill.serve;

import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.serve.StepListener;
import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.audio.serve.VocoderVerticle;
import dev.tessera.audio.vocoder.EulerSampler;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.core.engine.Engines;
import dev.tessera.distill.turbo.TurboConfig;
import dev.tessera.distill.turbo.TurboExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tessera bench distill-vocoder} (issue 6): the real-time factor of the teacher at 16 midpoint steps
 * (32 network evaluations) beside the Turbo students at 4, 2 and 1 Euler steps, at batch 1 and 8, with each
 * student's speed-up over the teacher and its multiple of real time.
 *
 * <p>Speed does not depend on the weights, only on the network's shape: each installed student
 * ({@code <models>/vocoder-turbo/steps-N}) runs with its own weights; a step count with no student runs the
 * teacher's network as an N-step Euler solver, which costs the same as a full-width student, and the table says
 * so. Input: the log-mel of a harmonic tone, {@code seconds} (2; {@code --quick}: 0.5) per item.
 */
public final class TurboBenchSuite implements BenchSuite {

    static final List<String> COLUMNS = List.of("system", "batch", "steps", "NFE", "audio s", "compute s", "RTF",
            "x real time", "speedup");

    @Override
    public String name() {
        return "distill-vocoder";
    }

    @Override
    public String description() {
        return "vocoder teacher (16 midpoint steps) vs Turbo students (4/2/1 Euler steps): RTF at batch 1/8, speed-up";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        Engines.start();
        boolean quick = options.quick();
        double seconds = Double.parseDouble(options.params().getOrDefault("seconds", quick ? "0.5" : "2"));
        int teacherSteps = Integer.parseInt(options.params().getOrDefault("teacher-steps",
                Integer.toString(VocodeSettings.DEFAULT_STEPS)));
        Path models = Path.of(options.params().getOrDefault("models", "models"));
        int[] batches = quick ? new int[] {1} : new int[] {1, 8};
        Path teacherDir = models.resolve(VocoderVerticle.NAME);
        Path studentRoot = models.resolve(TurboExport.MODEL);
        List<Integer> installed = TurboStudents.installed(studentRoot);
        BenchReport report = new BenchReport(name(), COLUMNS);
        try (MelVocoder teacher = MelVocoder.load(teacherDir, MelVocoder.checkpointName(teacherDir))) {
            int frames = (int) Math.round(seconds * VocodeLimits.SAMPLE_RATE / teacher.hop());
            double audioSeconds = frames * teacher.hop() / (double) VocodeLimits.SAMPLE_RATE;
            float[] mel = toneMel(teacher, frames);
            for (int batch : batches) {
                List<MelVocoder.Item> items = new ArrayList<>();
                for (int b = 0; b < batch; b++) {
                    items.add(new MelVocoder.Item(mel, frames, b + 1, 0));
                }
                double teacherSeconds = time(() -> teacher.vocode(items, new MidpointSampler(), teacherSteps,
                        StepListener.NONE), quick);
                row(report, "teacher (midpoint)", batch, teacherSteps, 2 * teacherSteps, audioSeconds, teacherSeconds,
                        teacherSeconds);
                for (int steps : TurboConfig.STEP_CHOICES) {
                    double s;
                    String system;
                    if (installed.contains(steps)) {
                        try (MelVocoder student = MelVocoder.load(TurboExport.studentDir(studentRoot, steps),
                                TurboExport.NAME)) {
                            s = time(() -> student.vocode(items, new EulerSampler(), steps, 1.0, StepListener.NONE), quick);
                        }
                        system = "vocoder-turbo (Euler)";
                    } else {
                        s = time(() -> teacher.vocode(items, new EulerSampler(), steps, 1.0, StepListener.NONE), quick);
                        system = "teacher net as " + steps + "-step Euler (no student installed)";
                    }
                    row(report, system, batch, steps, steps, audioSeconds, s, teacherSeconds);
                }
            }
            report.note(String.format(Locale.ROOT, "teacher %s; students %s; %d frames (%.2f s) of a harmonic tone's "
                            + "log-mel per item", teacherDir, installed.isEmpty() ? "none installed under " + studentRoot
                            : "steps " + installed + " from " + studentRoot, frames, audioSeconds));
            report.note("RTF = compute seconds / audio seconds for the whole batch (best of 1-3 runs after a warm-up); "
                    + "speedup = teacher compute seconds / this row's at the same batch; goals (issue 6): 2-step student "
                    + ">= 8x the teacher, 1-step student >= 20x real time");
        }
        return report;
    }

    private static void row(BenchReport report, String system, int batch, int steps, int nfe, double audioSeconds,
                            double seconds, double teacherSeconds) {
        double rtf = seconds / (batch * audioSeconds);
        report.row(system, batch, steps, nfe, batch * audioSeconds, seconds, rtf, 1 / rtf, teacherSeconds / seconds);
    }

    /** Best wall time of a few runs after one warm-up run. */
    private static double time(Runnable run, boolean quick) {
        run.run();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < (quick ? 1 : 3); r++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** (80, frames) log-mel of a 160 Hz tone with six harmonics. */
    private static float[] toneMel(MelVocoder vocoder, int frames) {
        float[] audio = new float[frames * vocoder.hop()];
        for (int n = 0; n < audio.length; n++) {
            double s = 0;
            for (int h = 1; h <= 6; h++) {
                s += Math.sin(2 * Math.PI * h * 160 * n / VocodeLimits.SAMPLE_RATE) / h;
            }
            audio[n] = (float) (0.3 * s);
        }
        float[] full = vocoder.analyse(audio);                                                     // (80, frames + 1)
        int analysed = full.length / vocoder.nMels();
        float[] out = new float[vocoder.nMels() * frames];
        for (int bin = 0; bin < vocoder.nMels(); bin++) {
            System.arraycopy(full, bin * analysed, out, bin * frames, frames);
        }
        return out;
    }
}
