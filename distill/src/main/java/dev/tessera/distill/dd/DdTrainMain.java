package dev.tessera.distill.dd;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.TerminalProgress;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.eval.CommandLineArgs;
import dev.tessera.image.sample.SamplingParams;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code tessera train image-dd}: distilled decoding of the factorized image AR teacher (specs/image.md 5), in
 * two stages sharing one run folder:
 * <pre>
 *   --pairs N      make (or complete) N teacher pairs in &lt;out&gt;/pairs, then stop (resumable: appends)
 *   (default)      train the student on &lt;out&gt;/pairs; checkpoints in &lt;out&gt;, --resume continues;
 *                  the EMA student is exported to --export (models/image-dd/model.safetensors) at the end
 * </pre>
 * Flags: {@code --teacher DIR} (models/image-ar-factorized), {@code --out DIR} (runs/image-dd),
 * {@code --steps N}, {@code --resume}, {@code --export DIR} (models/image-dd), {@code --batch N} (32; pairs per
 * teacher run with --pairs), {@code --ode-steps N} (64), {@code --cfg X} (2.0, the evaluation guidance),
 * {@code --regression} (add the regression head), {@code --seed N}, {@code --time N} (time N training steps
 * on the pairs there are, or with --pairs time N pairs, in a scratch folder; prints seconds per step or pair).
 */
public final class DdTrainMain {

    public static final Path DEFAULT_TEACHER = Path.of("models/image-ar-factorized");
    public static final Path DEFAULT_OUT = Path.of("runs/image-dd");
    public static final Path DEFAULT_EXPORT = Path.of("models/image-dd");
    public static final String USAGE = "usage: tessera train image-dd [--pairs N] [--teacher DIR] [--out DIR] [--steps N] "
            + "[--resume] [--export DIR] [--batch N] [--ode-steps N] [--cfg X] [--regression] [--seed N] [--time N]";
    static final Set<String> FLAGS = Set.of("--resume", "--regression");
    static final Set<String> VALUES = Set.of("--pairs", "--teacher", "--out", "--steps", "--export", "--batch",
            "--ode-steps", "--cfg", "--seed", "--time", "--data");

    private DdTrainMain() {
    }

    public static void main(String[] argv) throws IOException {
        run(CommandLineArgs.parse(argv, USAGE, FLAGS, VALUES));
    }

    static void run(CommandLineArgs a) throws IOException {
        Path out = a.path("--out", DEFAULT_OUT);
        Path pairsDir = a.path("--data", out.resolve("pairs"));
        int time = a.intValue("--time", 0);
        Engines.start();
        try (NDManager manager = NDManager.newBaseManager()) {
            Path teacherDir = a.path("--teacher", DEFAULT_TEACHER);
            FactorizedArTransformer teacher;
            if (time > 0 && !Checkpoint.exists(teacherDir, "model") && !Checkpoint.exists(teacherDir, "image-ar")) {
                // Timing only: speed does not depend on the weights.
                System.out.println("timing with a randomly initialized teacher of the default size (none in " + teacherDir
                        + ")");
                dev.tessera.core.engine.Seeds.seedAll(1);
                teacher = new FactorizedArTransformer(dev.tessera.image.ar.FactorizedArConfig.defaults());
                teacher.initialize(manager);
            } else {
                teacher = DdModels.teacher(teacherDir, manager);
            }
            if (a.has("--pairs")) {
                makePairs(a, teacher, teacherDir, pairsDir, time, manager);
            } else {
                train(a, teacher, teacherDir, out, pairsDir, time);
            }
        }
    }

    private static void makePairs(CommandLineArgs a, FactorizedArTransformer teacher, Path teacherDir, Path pairsDir,
                                  int time, NDManager manager) throws IOException {
        double cfg = a.doubleValue("--cfg", SamplingParams.EVALUATION.pre().cfgScale());
        SamplingParams params = SamplingParams.uniform(cfg, 1.0, 0, 1.0);
        PairGenerator g = new PairGenerator(teacher, params, a.intValue("--ode-steps", PointMixtureFlow.DEFAULT_STEPS));
        int n = time > 0 ? time : a.intValue("--pairs", 50_000);
        Path dir = time > 0 ? Files.createTempDirectory("dd-pairs-timing") : pairsDir;
        int batch = a.intValue("--batch", 32);
        JsonObject meta = new JsonObject().put("teacher", teacherDir.toString())
                .put("teacherSha256", time > 0 ? "timing" : sha(teacherDir));
        long t0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("image-dd pairs").setInitialMax(n)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" pairs", 1).build()) {
            int[] start = {-1};
            g.generateInto(manager, dir, n, a.longValue("--seed", 1), 0.1, batch, meta, have -> {
                if (start[0] < 0) {
                    start[0] = have;
                }
                bar.stepTo(have);
            });
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = processCpuSeconds() - cpu0;
            int made = n - start[0];
            System.out.printf(Locale.ROOT, "%d pairs in %s (%d made in %.1f s wall, %.3f s/pair; %.1f s of CPU, %.3f "
                    + "CPU s/pair; batch %d, %d Euler steps, %d intra-op threads)%n", n, time > 0 ? "a scratch folder" : dir,
                    made, s, made > 0 ? s / made : 0, cpu, made > 0 ? cpu / made : 0, batch, g.odeSteps(),
                    ai.djl.pytorch.jni.JniUtils.getNumThreads());
        } finally {
            if (time > 0) {
                Files.deleteIfExists(dir.resolve(DdPairs.DATA));
                Files.deleteIfExists(dir.resolve(DdPairs.META));
                Files.deleteIfExists(dir);
            }
        }
    }

    private static String sha(Path teacherDir) throws IOException {
        String name = DdModels.checkpointIn(teacherDir, "model", "image-ar");
        return dev.tessera.image.eval.FileHashes.sha256(Checkpoint.tensorsFile(teacherDir, name));
    }

    private static void train(CommandLineArgs a, FactorizedArTransformer teacher, Path teacherDir, Path out,
                              Path pairsDir, int time) throws IOException {
        DdPairs pairs;
        if (time > 0 && !Files.exists(pairsDir.resolve(DdPairs.DATA))) {
            // Timing only: a step costs the same whatever the tokens.
            System.out.println("timing on 2,048 pairs of random tokens (no pairs in " + pairsDir + ")");
            pairs = randomPairs(2_048, teacher.bits(), teacher.trunkConfig().tokens(), teacher.trunkConfig().numClasses());
        } else {
            pairs = DdPairs.load(pairsDir);
        }
        DdTrainingConfig config = DdTrainingConfig.defaults();
        JsonObject overrides = new JsonObject();
        if (time > 0) {
            overrides.put("steps", time).put("validateEvery", 0).put("checkpointEvery", 0).put("warmupSteps", 1);
        } else if (a.has("--steps")) {
            overrides.put("steps", a.longValue("--steps", 0));
        }
        TrainConfig tc = config.train().with(overrides);
        config = new DdTrainingConfig(tc, a.intValue("--batch", config.batch()), config.dataShare(),
                config.regressionWeight(), Math.min(config.validationPairs(), Math.max(1, pairs.count() / 10)));
        DdStudentConfig sc = new DdStudentConfig(teacher.config(), 20, a.flag("--regression"),
                teacher.config().trunk().dropout());
        Path run = time > 0 ? Files.createTempDirectory("dd-timing") : out;
        Path export = a.path("--export", DEFAULT_EXPORT);
        try (DdTrainingTask task = new DdTrainingTask(config, sc, teacher, pairs);
             Trainer trainer = new Trainer(tc, task, run);
             TerminalProgress progress = new TerminalProgress("image-dd", tc.logEvery())) {
            trainer.addListener(progress);
            if (a.flag("--resume") && time == 0 && trainer.resumeLatest()) {
                System.out.println("image-dd: resumed at step " + trainer.step());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(trainer::cancel, "cancel-image-dd"));
            long t0 = System.nanoTime();
            double cpu0 = processCpuSeconds();
            long first = trainer.step();
            TrainingResult result = trainer.fit();
            double s = (System.nanoTime() - t0) / 1e9;
            if (time > 0) {
                double cpu = processCpuSeconds() - cpu0;
                System.out.printf(Locale.ROOT, "timing: %d steps in %.1f s wall, %.2f s/step; %.1f s of CPU, %.2f CPU s/step "
                        + "(first included), batch %d, %d parameters, %d intra-op threads%n", time, s, s / time, cpu,
                        cpu / time, config.batch(), trainer.parameters().count(), ai.djl.pytorch.jni.JniUtils.getNumThreads());
                return;
            }
            JsonObject c = sc.toJson().put("classNames", teacherClassNames(teacherDir)).put("training", new JsonObject().put("step", result.step())
                    .put("pairs", pairs.count()).put("pairsDir", pairsDir.toString()).put("teacher", teacherDir.toString())
                    .put("validation", result.toJson().getJsonObject("validation"))
                    .put("seconds", s).put("stepsThisSession", result.step() - first));
            trainer.exportWeights(export, DdModels.STUDENT, c, trainer.ema() != null);
            System.out.println("image-dd: exported the student to " + Checkpoint.tensorsFile(export, DdModels.STUDENT));
        } finally {
            if (time > 0) {
                deleteTree(run);
            }
        }
    }

    /**
     * CPU seconds of this process so far: on a machine shared with other jobs, wall time says more about the
     * neighbours than about the work.
     */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    static DdPairs randomPairs(int n, int bits, int tokens, int numClasses) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        int[] classes = new int[n];
        long[] seeds = new long[n];
        short[] codes = new short[n * tokens];
        for (int i = 0; i < n; i++) {
            classes[i] = r.nextInt(numClasses);
            seeds[i] = r.nextLong();
        }
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (short) r.nextInt(1 << bits);
        }
        return new DdPairs(bits, tokens, classes, seeds, codes);
    }

    /** The teacher's class names ({@code classNames}, or {@code categories} as the image trainer exports them). */
    static io.vertx.core.json.JsonArray teacherClassNames(Path teacherDir) throws IOException {
        JsonObject c = Checkpoint.load(teacherDir, DdModels.checkpointIn(teacherDir, "model", "image-ar")).config();
        io.vertx.core.json.JsonArray names = c.getJsonArray("classNames", c.getJsonArray("categories"));
        return names == null ? new io.vertx.core.json.JsonArray() : names;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
