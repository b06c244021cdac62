package dev.tessera.distill.serve;

import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.metrics.VocoderScores;
import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.serve.StepListener;
import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.audio.serve.VocoderVerticle;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import dev.tessera.distill.turbo.TurboExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tessera eval distill-vocoder} (issue 6): the teacher at 16 midpoint steps, every installed
 * PeriodWave-Turbo student at its own step count and Griffin-Lim, all from the same log-mel of each held-out
 * utterance, with every score of {@code tessera eval vocoder} (M-STFT, log-mel L1, F0 RMSE, V/UV F1,
 * periodicity error), the real-time factor and the speed-up over the teacher, in one table.
 *
 * <p>Settings ({@code --param}): {@code split} (test), {@code clips} (20; {@code --quick}: 3),
 * {@code teacher-steps} (16), {@code seed} (1), {@code students}: comma-separated folders laid out as
 * {@code models/vocoder-turbo} ({@code steps-N/periodwave-turbo.safetensors}; default
 * {@code <models>/vocoder-turbo}), each labelled by its folder name — how the CQT ablation's two runs are
 * compared in one table. The notes check the issue's goals: the 2-step student within 5% of the teacher's
 * M-STFT and F0 RMSE at 8x or more of its speed (the F0 ratio counts only when the student voices at least
 * 95% as well as the teacher, V/UV F1), the 1-step student 20x or more faster than real time.
 */
public final class TurboEvalSuite implements EvalSuite {

    static final Path DEFAULT_DATA = Path.of("data/speech");
    static final List<String> COLUMNS = List.of("system", "steps", "nfe", "mstft", "mel_l1", "f0_rmse_cents",
            "vuv_f1", "periodicity_error", "rtf", "speedup", "clips");

    @Override
    public String name() {
        return "distill-vocoder";
    }

    @Override
    public String description() {
        return "vocoder teacher at 16 steps vs its Turbo students at 4/2/1 and Griffin-Lim: every vocoder score, RTF, "
                + "speed-up";
    }

    @Override
    public BenchReport run(EvalOptions options) throws Exception {
        String split = options.param("split", "test");
        int clips = options.intParam("clips", options.quick() ? 3 : 20);
        int teacherSteps = options.intParam("teacher-steps", VocodeSettings.DEFAULT_STEPS);
        long seed = options.intParam("seed", 1);
        if (clips < 1 || teacherSteps < 1 || teacherSteps > VocodeSettings.MAX_STEPS) {
            throw new IllegalArgumentException("need --param clips >= 1 and teacher-steps in 1.." + VocodeSettings.MAX_STEPS
                    + ", got " + clips + " and " + teacherSteps);
        }
        List<Path> studentDirs = studentDirs(options);
        Path data = options.data() != null ? options.data() : DEFAULT_DATA;
        SpeechCorpus corpus = SpeechCorpus.load(data, split, clips);
        Engines.start();

        Path teacherDir = options.models().resolve(VocoderVerticle.NAME);
        String teacherName = MelVocoder.checkpointName(teacherDir);
        List<Loaded> students = new ArrayList<>();
        try (MelVocoder teacher = MelVocoder.load(teacherDir, teacherName)) {
            for (Path dir : studentDirs) {
                students.add(new Loaded(label(dir, studentDirs.size()), TurboStudents.load(dir)));
            }
            VocoderScores teacherScores = new VocoderScores();
            VocoderScores griffinLim = new VocoderScores();
            Map<String, VocoderScores> studentScores = new LinkedHashMap<>();
            for (Loaded s : students) {
                for (int steps : s.students().steps()) {
                    studentScores.put(key(s.label(), steps), new VocoderScores());
                }
            }
            MidpointSampler midpoint = new MidpointSampler();
            double audioSeconds = 0;
            for (SpeechCorpus.Utterance u : corpus.utterances()) {
                float[] x = u.samples();
                int frames = x.length / teacher.hop();
                if (frames < 1) {
                    continue;
                }
                float[] reference = Arrays.copyOf(x, frames * teacher.hop());
                float[] mel = teacher.analyse(x);
                List<MelVocoder.Item> item = List.of(new MelVocoder.Item(mel, frames, seed, 0));
                long t0 = System.nanoTime();
                float[] out = teacher.vocode(item, midpoint, teacherSteps, StepListener.NONE).get(0);
                teacherScores.add(reference, out, seconds(t0));
                for (Loaded s : students) {
                    for (int steps : s.students().steps()) {
                        t0 = System.nanoTime();
                        out = s.students().vocode(item, steps, StepListener.NONE).get(0);
                        studentScores.get(key(s.label(), steps)).add(reference, out, seconds(t0));
                    }
                }
                t0 = System.nanoTime();
                griffinLim.add(reference, teacher.griffinLim(mel, frames, seed), seconds(t0));
                audioSeconds += reference.length / (double) VocodeLimits.SAMPLE_RATE;
            }

            BenchReport report = new BenchReport(name(), COLUMNS);
            double teacherRtf = teacherScores.rtf(audioSeconds);
            row(report, "teacher " + teacherName + " (midpoint)", teacherSteps, midpoint.evaluations(teacherSteps),
                    teacherScores, audioSeconds, teacherRtf);
            for (Map.Entry<String, VocoderScores> e : studentScores.entrySet()) {
                int steps = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('@') + 1));
                String label = e.getKey().substring(0, e.getKey().lastIndexOf('@'));
                row(report, label + " (Euler)", steps, steps, e.getValue(), audioSeconds, teacherRtf);
            }
            row(report, "griffin-lim (32 iterations)", null, null, griffinLim, audioSeconds, teacherRtf);
            report.note(String.format(Locale.ROOT, "%d %s utterances of %s, %.1f s of audio; teacher %s, tau %.3f; "
                            + "students at tau 1 (as trained); seed %d", corpus.size(), split, data, audioSeconds,
                    teacherDir.resolve(teacherName), VocodeSettings.TEMPERATURE, seed));
            report.note("lower is better for every score but vuv_f1; rtf = compute seconds / audio seconds at batch 1 "
                    + "on this machine; speedup = teacher rtf / rtf");
            goalNotes(report, teacherScores, teacherRtf, studentScores, audioSeconds);
            return report;
        } finally {
            students.forEach(s -> s.students().close());
        }
    }

    private record Loaded(String label, TurboStudents students) {
    }

    /** The student folders: {@code --param students=DIR,DIR} or {@code <models>/vocoder-turbo}. */
    static List<Path> studentDirs(EvalOptions options) throws IOException {
        String list = options.param("students", null);
        List<Path> dirs = new ArrayList<>();
        if (list == null) {
            dirs.add(options.models().resolve(TurboExport.MODEL));
        } else {
            for (String part : list.split(",")) {
                if (!part.isBlank()) {
                    dirs.add(Path.of(part.strip()));
                }
            }
        }
        for (Path dir : dirs) {
            if (TurboStudents.installed(dir).isEmpty()) {
                throw new IllegalArgumentException("no vocoder-turbo student under " + dir + " (expected steps-4, "
                        + "steps-2 or steps-1 with " + TurboExport.NAME + ".safetensors); train one with "
                        + "tessera train vocoder-turbo --steps 4 --export " + dir);
            }
        }
        return dirs;
    }

    private static String label(Path dir, int count) {
        return count == 1 ? TurboExport.MODEL : TurboExport.MODEL + " " + dir.getFileName();
    }

    private static String key(String label, int steps) {
        return label + "@" + steps;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void row(BenchReport report, String system, Integer steps, Integer nfe, VocoderScores s,
                            double audioSeconds, double teacherRtf) {
        double rtf = s.rtf(audioSeconds);
        report.row(system, steps, nfe, s.mstft(), s.melL1(), s.f0RmseCents(), s.vuvF1(), s.periodicityError(), rtf,
                teacherRtf / rtf, s.clips());
    }

    /** One line per 2-step and 1-step student: the issue's goals, met or not, with the numbers. */
    private static void goalNotes(BenchReport report, VocoderScores teacher, double teacherRtf,
                                  Map<String, VocoderScores> students, double audioSeconds) {
        for (Map.Entry<String, VocoderScores> e : students.entrySet()) {
            VocoderScores s = e.getValue();
            double rtf = s.rtf(audioSeconds);
            if (e.getKey().endsWith("@2")) {
                double mstft = s.mstft() / teacher.mstft();
                Double f0 = s.f0RmseCents() == null || teacher.f0RmseCents() == null ? null
                        : s.f0RmseCents() / teacher.f0RmseCents();
                // F0 RMSE is taken over the frames voiced in both signals: a student that voices fewer frames
                // than the teacher is scored on fewer, easier frames, so its F0 ratio only counts when its
                // V/UV F1 is at least 95% of the teacher's.
                double vuv = teacher.vuvF1() > 0 ? s.vuvF1() / teacher.vuvF1() : Double.NaN;
                boolean f0Comparable = f0 != null && vuv >= 0.95;
                boolean met = mstft <= 1.05 && f0Comparable && f0 <= 1.05 && teacherRtf / rtf >= 8;
                report.note(String.format(Locale.ROOT, "goal (2-step within 5%% of the teacher's M-STFT and F0 RMSE at "
                                + ">= 8x its speed), %s: M-STFT %.3f x teacher, F0 RMSE %s x teacher%s, %.1fx speed: %s",
                        e.getKey().replace('@', ' '), mstft, f0 == null ? "n/a (no frames voiced in both)"
                                : String.format(Locale.ROOT, "%.3f", f0),
                        f0 == null || f0Comparable ? "" : String.format(Locale.ROOT,
                                " (not comparable: V/UV F1 %.3f x teacher's, so fewer frames are scored)", vuv),
                        teacherRtf / rtf, met ? "met" : "not met"));
            } else if (e.getKey().endsWith("@1")) {
                report.note(String.format(Locale.ROOT, "goal (1-step >= 20x faster than real time), %s: %.1fx: %s",
                        e.getKey().replace('@', ' '), 1 / rtf, 1 / rtf >= 20 ? "met" : "not met"));
            }
        }
    }
}
