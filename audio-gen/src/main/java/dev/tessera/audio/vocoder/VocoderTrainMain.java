package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.CorpusMix;
import dev.tessera.audio.data.CropSource;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.StepTimer;
import dev.tessera.core.train.TerminalProgress;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the vocoder on the espeak-ng speech corpus, or on speech and music sampled 1:1 (audio spec 2.6):
 * <pre>
 *   VocoderTrainMain --data data/speech --out runs/vocoder --steps N [--resume] [--export models/vocoder]
 *                    [--music data/music]
 *                    [--batch 8] [--segment 8192] [--periods 1,2,3,5,7] [--checkpoint-every 100]
 *                    [--validate-every 500] [--val-clips 4] [--val-samples 32768] [--val-steps 16]
 *                    [--clip 0] [--log-every 10] [--limit N] [--time N] [--min-lr 2e-4] [--warmup 0]
 * </pre>
 * Recipe: AdamW lr 2e-4, betas (0.9, 0.999), weight decay 0.01, constant rate (no warm-up), EMA 0.999.
 * {@code --min-lr X} turns the constant rate into a half cosine from 2e-4 down to X at {@code --steps} (for the
 * last stretch of a long run, started with {@code --init} from its weights), after {@code --warmup N} steps
 * of linear ramp (a fresh AdamW's moments are zero, so a run started from trained weights ramps up).
 * The first run measures the training set's frame-energy extremes and writes the model config to
 * {@code <out>/vocoder.json}; a resumed run reads it back. {@code --time N} runs N steps in a scratch
 * folder and prints the seconds per step (the first step, which warms libtorch up, left out).
 *
 * <p>{@code --music DIR} (the corpus of {@code scripts/fetch-data music}, 8 s clips rendered from MIDI) draws
 * rows [0, batch/2) of every batch from speech and rows [batch/2, batch) from DIR's train split, so the batch
 * must be even; the validation clips alternate speech and music (DIR's val split), and a new run measures
 * the energy extremes over both training splits. Without it the run is speech only, exactly as before (the
 * same batches, validation clips and energy range for the same seed).
 */
public final class VocoderTrainMain {

    private static final Logger LOG = LoggerFactory.getLogger(VocoderTrainMain.class);
    private static final double PEAK_LR = 2e-4;

    /** Parsed command line. */
    record Args(Path data, Path out, long steps, boolean resume, Path export, int batch, int segment,
                List<Integer> periods, long checkpointEvery, long validateEvery, int valClips, int valSamples,
                int valSteps, double clip, long logEvery, int limit, int time, Path init, Path music,
                double minLr, long warmup) {
    }

    private VocoderTrainMain() {
    }

    public static void main(String[] argv) throws IOException {
        Args a = parse(argv);
        Engines.start();
        SpeechCorpus train = SpeechCorpus.load(a.data(), "train", a.limit());
        SpeechCorpus val = SpeechCorpus.load(a.data(), "val", 0);
        LOG.info("vocoder: {} training utterances ({} s, {} voices), {} validation", train.size(),
                String.format(Locale.ROOT, "%.0f", train.totalSamples() / (double) SpeechCorpus.SAMPLE_RATE),
                train.voices().size(), val.size());
        SpeechCorpus musicTrain = null;
        CropSource crops = train;
        SpeechCorpus validation = val;
        if (a.music() != null) {
            musicTrain = SpeechCorpus.load(a.music(), "train", a.limit());
            SpeechCorpus musicVal = SpeechCorpus.load(a.music(), "val", 0);
            LOG.info("vocoder: {} training music clips ({} s, {} pieces), {} validation; batches half speech, half music",
                    musicTrain.size(), String.format(Locale.ROOT, "%.0f",
                            musicTrain.totalSamples() / (double) SpeechCorpus.SAMPLE_RATE),
                    musicTrain.voices().size(), musicVal.size());
            crops = new CorpusMix(train, musicTrain);
            validation = CorpusMix.interleave(val, musicVal);
        }
        Path out = a.time() > 0 ? Files.createTempDirectory("vocoder-timing") : a.out();
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager()) {
            VocoderConfig config = modelConfig(a, out, train, musicTrain, manager);
            TrainConfig trainConfig = TrainConfig.fromJson(new JsonObject()
                    .put("steps", a.time() > 0 ? a.time() : a.steps())
                    .put("learningRate", PEAK_LR).put("minLearningRate", a.minLr()).put("warmupSteps", a.warmup())
                    .put("weightDecay", 0.01).put("beta1", 0.9).put("beta2", 0.999).put("eps", 1e-8)
                    .put("clipGradNorm", a.clip()).put("emaDecay", 0.999)
                    .put("checkpointEvery", a.time() > 0 ? 0 : a.checkpointEvery()).put("keepCheckpoints", 3)
                    .put("validateEvery", a.time() > 0 ? 0 : a.validateEvery()).put("logEvery", a.logEvery()));
            Seeds.seedAll(trainConfig.seed());
            // --init starts a new run from exported weights (models/vocoder): its config, energy range and
            // weights; the optimizer and EMA start fresh. On --resume the run's own checkpoint wins.
            PeriodWave model = a.init() != null
                    ? PeriodWave.load(a.init(), VocoderExport.DEFAULT_NAME, manager)
                    : new PeriodWave(config).initialize(manager);
            VocoderTrainingTask.Options options = new VocoderTrainingTask.Options(a.batch(), a.segment(), a.valClips(),
                    a.valSamples(), a.valSteps());
            try (VocoderTrainingTask task = new VocoderTrainingTask(model, crops, validation, options);
                 Trainer trainer = new Trainer(trainConfig, task, out);
                 TerminalProgress progress = new TerminalProgress("vocoder", a.logEvery())) {
                if (trainer.ema() != null) {
                    task.useEma(trainer.ema()::weights);
                }
                trainer.addListener(progress);
                StepTimer timer = new StepTimer();
                trainer.addListener(timer);
                LOG.info("vocoder: {} parameters, periods {}, batch {} x {} samples{}, {} steps, run folder {}",
                        trainer.parameters().count(), config.periods(), a.batch(), a.segment(),
                        a.music() != null ? " (half speech, half music)" : "", trainConfig.steps(), out);
                if (a.resume() && a.time() == 0 && trainer.resumeLatest()) {
                    LOG.info("vocoder: resumed at step {}", trainer.step());
                }
                TrainingResult result = trainer.fit();
                if (a.time() > 0) {
                    System.out.printf(Locale.ROOT, "timing: %d steps, %.2f s/step after the first (first %.2f s), batch %d x %d, periods %s%n",
                            a.time(), timer.secondsPerStepAfterFirst(), timer.firstSeconds(), a.batch(), a.segment(), config.periods());
                } else if (a.export() != null && !result.cancelled()) {
                    Path file = VocoderExport.export(out, OptionalLong.empty(), a.export(), VocoderExport.DEFAULT_NAME);
                    LOG.info("vocoder: exported the EMA weights to {}", file);
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

    /**
     * The run's model config: read back on resume, else measured (energy extremes over the speech and, when
     * given, the music training split) and written.
     */
    private static VocoderConfig modelConfig(Args a, Path out, SpeechCorpus train, SpeechCorpus music,
                                             NDManager manager) throws IOException {
        Path file = out.resolve(VocoderExport.RUN_CONFIG);
        if (a.resume() && Files.isRegularFile(file)) {
            VocoderConfig saved = VocoderConfig.fromJson(new JsonObject(Files.readString(file)));
            if (!saved.periods().equals(a.periods())) {
                LOG.warn("vocoder: the run was started with periods {}; --periods {} is ignored", saved.periods(), a.periods());
            }
            return saved;
        }
        if (a.init() != null) {
            VocoderConfig initial = VocoderConfig.fromJson(
                    dev.tessera.core.checkpoint.Checkpoint.load(a.init(), VocoderExport.DEFAULT_NAME).config());
            LOG.info("vocoder: starting from the weights in {} (periods {})", a.init(), initial.periods());
            Files.writeString(file, initial.toJson().encodePrettily() + "\n");
            return initial;
        }
        long t0 = System.nanoTime();
        double[] range = VocoderTrainingTask.energyRange(train, manager);
        if (music != null) {
            // Music is denser than speech at the same 0.95 peak, so its loudest frames can be louder (E_max 5.09
            // against 4.90 over the first 40 clips of each); the prior's range covers both, so that sigma_E stays
            // in [floor, 1] on every training frame. (--init and --resume keep the range they were given.)
            double[] musicRange = VocoderTrainingTask.energyRange(music, manager);
            LOG.info("vocoder: frame energy E in [{}, {}] over speech, [{}, {}] over music", range[0], range[1],
                    musicRange[0], musicRange[1]);
            range = new double[] {Math.min(range[0], musicRange[0]), Math.max(range[1], musicRange[1])};
        }
        VocoderConfig config = VocoderConfig.TINY.withPeriods(a.periods()).withEnergy(range[0], range[1]);
        LOG.info("vocoder: frame energy E in [{}, {}] over the training set ({} s)", range[0], range[1],
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        Files.writeString(file, config.toJson().encodePrettily() + "\n");
        return config;
    }

    static Args parse(String[] argv) {
        Path data = Path.of("data/speech");
        Path out = Path.of("runs/vocoder");
        long steps = 20_000;
        boolean resume = false;
        Path export = null;
        Path init = null;
        Path music = null;
        int batch = 8;
        int segment = 8192;
        List<Integer> periods = List.of(1, 2, 3, 5, 7);
        long checkpointEvery = 100;
        long validateEvery = 500;
        int valClips = 4;
        int valSamples = 32_768;
        int valSteps = 16;
        double clip = 0;
        long logEvery = 10;
        int limit = 0;
        int time = 0;
        double minLr = PEAK_LR;
        long warmup = 0;
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (k.equals("--resume")) {
                resume = true;
                continue;
            }
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException("missing value after " + k);
            }
            String v = argv[++i];
            switch (k) {
                case "--data" -> data = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--steps" -> steps = Long.parseLong(v);
                case "--export" -> export = Path.of(v);
                case "--init" -> init = Path.of(v);
                case "--music" -> music = Path.of(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--segment" -> segment = Integer.parseInt(v);
                case "--periods" -> {
                    List<Integer> ps = new ArrayList<>();
                    Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).forEach(ps::add);
                    periods = ps;
                }
                case "--checkpoint-every" -> checkpointEvery = Long.parseLong(v);
                case "--validate-every" -> validateEvery = Long.parseLong(v);
                case "--val-clips" -> valClips = Integer.parseInt(v);
                case "--val-samples" -> valSamples = Integer.parseInt(v);
                case "--val-steps" -> valSteps = Integer.parseInt(v);
                case "--clip" -> clip = Double.parseDouble(v);
                case "--log-every" -> logEvery = Long.parseLong(v);
                case "--limit" -> limit = Integer.parseInt(v);
                case "--time" -> time = Integer.parseInt(v);
                case "--min-lr" -> minLr = Double.parseDouble(v);
                case "--warmup" -> warmup = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + k + "; see the class comment of "
                        + VocoderTrainMain.class.getName());
            }
        }
        if (music != null && (batch < 2 || batch % 2 != 0)) {
            throw new IllegalArgumentException("--music draws half of every batch from speech and half from music, so "
                    + "--batch must be even (and at least 2); got " + batch);
        }
        return new Args(data, out, steps, resume, export, batch, segment, periods, checkpointEvery, validateEvery,
                valClips, valSamples, valSteps, clip, logEvery, limit, time, init, music, minLr, warmup);
    }
}
