package dev.tessera.distill.turbo;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.StepTimer;
import dev.tessera.core.train.TerminalProgress;
import dev.tessera.core.train.TrainingResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a PeriodWave-Turbo student (audio spec 4) on the espeak-ng speech corpus:
 * <pre>
 *   TurboTrainMain --steps 4|2|1 [--data data/speech] [--out runs/vocoder-turbo/steps-N] [--iterations N]
 *                  [--resume] [--init DIR] [--export models/vocoder-turbo] [--segment 16384] [--batch 2]
 *                  [--lr 2e-5] [--discriminators mpd,cqt] [--student-channels 16,32,64,128]
 *                  [--student-periods 1,2,3,5,7] [--checkpoint-every 100] [--validate-every 500]
 *                  [--val-clips 4] [--val-samples 65536] [--seed 1] [--log-every 10] [--limit N] [--time N]
 *                  [--from-scratch] [--guide-weight 0] [--guide-steps 8] [--guide models/vocoder]
 * </pre>
 * {@code --steps} is the student's number of Euler steps; {@code --iterations} the GAN updates (5,000 for
 * the 4-step student, 2,000 for 2 and 1). {@code --init} defaults to the chain of spec 4: the teacher
 * {@code models/vocoder} for 4 steps, then {@code models/vocoder-turbo/steps-4} for 2 and {@code steps-2}
 * for 1. When {@code --student-channels}/{@code --student-periods} ask for a smaller network than the one
 * in {@code --init}, it is subcloned ({@link Subcloning}); {@code --from-scratch} starts that shape from a
 * fresh initialisation instead (the reference for subcloning). {@code --time N} runs N updates in a scratch
 * folder and prints the seconds per update (the first left out). {@code --guide-weight W} (> 0) adds
 * W·mean|x̂ − x_guide| to the student's loss, x_guide being the {@code --guide} vocoder (default the teacher,
 * {@code models/vocoder}) run for {@code --guide-steps} Euler steps from the same mel and noise.
 */
public final class TurboTrainMain {

    private static final Logger LOG = LoggerFactory.getLogger(TurboTrainMain.class);

    /** Parsed command line. */
    public record Args(TurboConfig config, Path data, Path out, long iterations, boolean resume, Path init,
                       Path export, long logEvery, int limit, int time, boolean scratch, Path guide) {
    }

    private TurboTrainMain() {
    }

    public static void main(String[] argv) throws IOException {
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("vocoder-turbo: " + e.getMessage());
            System.exit(2);
            return;
        }
        Engines.start();
        Seeds.seedAll(a.config().seed());
        SpeechCorpus train = SpeechCorpus.load(a.data(), "train", a.limit());
        SpeechCorpus val = SpeechCorpus.load(a.data(), "val", a.config().validationClips());
        Path out = a.time() > 0 ? Files.createTempDirectory("turbo-timing") : a.out();
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager()) {
            PeriodWave student = a.scratch() ? scratchStudent(a.config(), a.init(), manager)
                    : initialStudent(a.config(), a.init(), manager);
            TurboConfig config = a.time() > 0 ? withoutCheckpoints(a.config()) : a.config();
            PeriodWave guide = null;
            if (config.guided()) {
                guide = PeriodWave.load(a.guide(), MelVocoder.checkpointName(a.guide()), manager);
                LOG.info("vocoder-turbo: guided by {} at {} Euler steps, weight {}", a.guide(), config.guideSteps(),
                        config.guideWeight());
            }
            try (TurboTrainer trainer = new TurboTrainer(config, student, guide, train, val, out, manager);
                 TerminalProgress progress = new TerminalProgress("vocoder-turbo-" + config.steps(), a.logEvery())) {
                trainer.addListener(progress);
                StepTimer timer = new StepTimer();
                trainer.addListener(timer);
                if (a.resume() && a.time() == 0 && trainer.resumeLatest()) {
                    LOG.info("vocoder-turbo: resumed at update {}", trainer.step());
                }
                LOG.info("vocoder-turbo: {}-step student ({} periods {}, channels {}) from {}, against {}, batch {} x {}"
                        + " samples, {} updates, run folder {}", config.steps(), student.config().periods().size(),
                        student.config().periods(), student.config().channels(), a.init(), config.discriminators(),
                        config.batch(), config.segment(), a.time() > 0 ? a.time() : a.iterations(), out);
                TrainingResult result = trainer.fit(a.time() > 0 ? a.time() : a.iterations());
                if (a.time() > 0) {
                    System.out.printf(Locale.ROOT, "timing: %d updates, %.2f s/update after the first (first %.2f s),"
                                    + " %d-step student, batch %d x %d, discriminators %s%n", a.time(),
                            timer.secondsPerStepAfterFirst(), timer.firstSeconds(), config.steps(), config.batch(),
                            config.segment(), config.discriminators());
                } else if (a.export() != null && result.finished()) {
                    Path file = TurboExport.export(out, OptionalLong.empty(), a.export());
                    LOG.info("vocoder-turbo: exported the {}-step student to {}", config.steps(), file);
                }
            }
        } finally {
            if (a.time() > 0) {
                try (var files = Files.walk(out)) {
                    files.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static TurboConfig withoutCheckpoints(TurboConfig c) {
        return TurboConfig.fromJson(c.toJson().put("checkpointEvery", 0).put("validateEvery", 0).put("validationClips", 0));
    }

    /**
     * A freshly initialised student of the shape {@link #initialStudent} would subclone to (the reference that
     * subcloning is measured against): {@code init} only lends its config (energy range, widths, periods).
     */
    public static PeriodWave scratchStudent(TurboConfig config, Path init, NDManager manager) throws IOException {
        VocoderConfig source;
        try (NDManager scope = manager.newSubManager()) {
            source = PeriodWave.load(init, MelVocoder.checkpointName(init), scope).config();
        }
        VocoderConfig target = Subcloning.studentConfig(source, config.studentChannels(), config.studentPeriods());
        Seeds.seedEngine("turbo-scratch", config.seed());
        LOG.info("vocoder-turbo: a fresh student (channels {}, periods {}), not initialised from {}", target.channels(),
                target.periods(), init);
        return new PeriodWave(target).initialize(manager);
    }

    /**
     * The student's starting weights: the checkpoint in {@code init} (the teacher or the previous student),
     * subcloned when the config asks for fewer channels or periods than it has.
     */
    public static PeriodWave initialStudent(TurboConfig config, Path init, NDManager manager) throws IOException {
        String name = MelVocoder.checkpointName(init);
        PeriodWave source = PeriodWave.load(init, name, manager);
        VocoderConfig target = Subcloning.studentConfig(source.config(), config.studentChannels(), config.studentPeriods());
        if (target.equals(source.config())) {
            return source;
        }
        LOG.info("vocoder-turbo: subcloning {} (channels {}, periods {}) to channels {}, periods {}", init.resolve(name),
                source.config().channels(), source.config().periods(), target.channels(), target.periods());
        return Subcloning.subclone(source, target, manager);
    }

    /** Where the N-step student starts by default (spec 4's chain). */
    public static Path defaultInit(int steps, Path models) {
        return switch (steps) {
            case 4 -> models.resolve("vocoder");
            case 2 -> TurboExport.studentDir(models.resolve(TurboExport.MODEL), 4);
            default -> TurboExport.studentDir(models.resolve(TurboExport.MODEL), 2);
        };
    }

    /**
     * Parses and checks the command line.
     *
     * @throws IllegalArgumentException naming the flag and the expected value
     */
    public static Args parse(String[] argv) {
        JsonObject c = TurboConfig.DEFAULT.toJson();
        Path data = Path.of("data/speech");
        Path out = null;
        Long iterations = null;
        boolean resume = false;
        boolean scratch = false;
        Path init = null;
        Path export = null;
        Path guide = Path.of("models", "vocoder");
        long logEvery = 10;
        int limit = 0;
        int time = 0;
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            String v = null;
            int eq = k.indexOf('=');
            if (k.startsWith("--") && eq > 0) {
                v = k.substring(eq + 1);
                k = k.substring(0, eq);
            }
            if (k.equals("--resume")) {
                resume = true;
                continue;
            }
            if (k.equals("--from-scratch")) {
                scratch = true;
                continue;
            }
            if (v == null) {
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("missing value after " + k);
                }
                v = argv[++i];
            }
            try {
                switch (k) {
                    case "--steps" -> c.put("steps", Integer.parseInt(v));
                    case "--data" -> data = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--iterations" -> iterations = positive(k, Long.parseLong(v));
                    case "--init" -> init = Path.of(v);
                    case "--export" -> export = Path.of(v);
                    case "--segment" -> c.put("segment", Integer.parseInt(v));
                    case "--batch" -> c.put("batch", Integer.parseInt(v));
                    case "--lr" -> c.put("learningRate", Double.parseDouble(v));
                    case "--discriminators" -> c.put("discriminators", List.of(v.split(",")).stream().map(String::strip).toList());
                    case "--student-channels" -> c.put("studentChannels", ints(v));
                    case "--student-periods" -> c.put("studentPeriods", ints(v));
                    case "--checkpoint-every" -> c.put("checkpointEvery", Long.parseLong(v));
                    case "--validate-every" -> c.put("validateEvery", Long.parseLong(v));
                    case "--val-clips" -> c.put("validationClips", Integer.parseInt(v));
                    case "--val-samples" -> c.put("validationSamples", Integer.parseInt(v));
                    case "--seed" -> c.put("seed", Long.parseLong(v));
                    case "--log-every" -> logEvery = positive(k, Long.parseLong(v));
                    case "--limit" -> limit = Integer.parseInt(v);
                    case "--time" -> time = (int) positive(k, Integer.parseInt(v));
                    case "--guide-weight" -> c.put("guideWeight", Double.parseDouble(v));
                    case "--guide-steps" -> c.put("guideSteps", Integer.parseInt(v));
                    case "--guide" -> guide = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + k + "; see the class comment of "
                            + TurboTrainMain.class.getName());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(k + " expects a number (or comma-separated numbers), got '" + v + "'");
            }
        }
        TurboConfig config = TurboConfig.fromJson(new JsonObject(c.encode()));
        if (out == null) {
            out = Path.of("runs", TurboExport.MODEL, "steps-" + config.steps());
        }
        if (init == null) {
            init = defaultInit(config.steps(), Path.of("models"));
        }
        long n = iterations != null ? iterations : config.steps() == 4 ? 5_000 : 2_000;
        return new Args(config, data, out, n, resume, init, export, logEvery, limit, time, scratch, guide);
    }

    /** Checks that the data and the starting weights exist, naming what to run when they do not. */
    public static void checkInputs(Args a) throws IOException {
        if (!Files.isRegularFile(a.data().resolve("train.tsv"))) {
            throw new NoSuchFileException(a.data().resolve("train.tsv").toString(), null,
                    "no speech corpus; make it with scripts/fetch-data speech or pass --data DIR");
        }
        if (a.config().guided() && MelVocoder.checkpoints(a.guide()).isEmpty()) {
            throw new NoSuchFileException(a.guide().toString(), null, "no guide vocoder for --guide-weight "
                    + a.config().guideWeight() + "; pass --guide DIR (a folder with a vocoder checkpoint)");
        }
        if (MelVocoder.checkpoints(a.init()).isEmpty()) {
            throw new NoSuchFileException(a.init().toString(), null, a.config().steps() == 4
                    ? "no teacher checkpoint to start from; train one (tessera train vocoder --export models/vocoder) or pass --init DIR"
                    : "no " + (a.config().steps() == 2 ? 4 : 2) + "-step student to start from; train it first "
                            + "(tessera train vocoder-turbo --steps " + (a.config().steps() == 2 ? 4 : 2)
                            + " --export models/vocoder-turbo) or pass --init DIR");
        }
    }

    private static long positive(String flag, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1, got " + v);
        }
        return v;
    }

    private static List<Integer> ints(String v) {
        List<Integer> out = new ArrayList<>();
        Arrays.stream(v.split(",")).map(String::strip).map(Integer::parseInt).forEach(out::add);
        return out;
    }
}
