package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.audio.data.CorpusMix;
import dev.tessera.audio.data.CropSource;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.metrics.LogMelDistance;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.TrainingTask;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Flow-matching training of {@link PeriodWave} (audio spec 2.1, 2.6). A step draws {@code batch}
 * random {@code segment}-sample crops (peak-normalised) from its {@link CropSource} (speech alone, or a
 * {@link CorpusMix} of speech and music, half of each batch from each), computes each crop's log-mel with the
 * project's front end, draws t ~ U(0, 1) per crop and eps ~ N(0, 1), and returns the energy-weighted
 * OT-CFM loss. Validation, on fixed held-out clips, reports
 * <ul>
 *   <li>{@code fm}: the same loss at t = 0.1, 0.3, 0.5, 0.7, 0.9 with fixed counter-based noise, and</li>
 *   <li>{@code mel_l1}: the log-mel L1 (spec 6.2) of the clips vocoded from their mels with
 *       {@code validationSteps} midpoint steps, tau = 0.667,</li>
 * </ul>
 * with the EMA weights when {@link #useEma} was given them (the trainer owns the EMA).
 */
public final class VocoderTrainingTask implements TrainingTask, AutoCloseable {

    /**
     * @param batch crops per step
     * @param segment samples per crop, a multiple of the hop
     * @param validationClips held-out clips scored at each validation (0 = no validation metrics)
     * @param validationSamples samples per validation clip, a multiple of the hop
     * @param validationSteps midpoint steps when vocoding the validation clips (0 = skip mel_l1)
     */
    public record Options(int batch, int segment, int validationClips, int validationSamples, int validationSteps) {

        public Options {
            if (batch < 1 || segment < 256 || segment % 256 != 0 || validationClips < 0 || validationSamples < 256
                    || validationSamples % 256 != 0 || validationSteps < 0) {
                throw new IllegalArgumentException("need batch >= 1, segment and validationSamples multiples of 256, "
                        + "validationClips and validationSteps >= 0; got " + this);
            }
        }
    }

    private static final float[] VALIDATION_TIMES = {0.1f, 0.3f, 0.5f, 0.7f, 0.9f};
    private static final long VALIDATION_SEED = 7;

    private final PeriodWave model;
    private final FlowMatching flow;
    private final MelSpectrogram mel = MelSpectrogram.hifiGan();
    private final CropSource train;
    private final Options options;
    private final float[] validationAudio;
    private Supplier<Map<String, NDArray>> emaWeights;

    /**
     * @param train where the training crops come from; a {@link CorpusMix} needs an even batch
     * @param validation held-out utterances; the first {@code validationClips} give one clip each (their middle);
     *                   {@link CorpusMix#interleave} makes them half speech, half music
     */
    public VocoderTrainingTask(PeriodWave model, CropSource train, SpeechCorpus validation,
                               Options options) {
        if (model.config().hop() != mel.config().hop() || model.config().nMels() != mel.config().nMels()
                || model.config().sampleRate() != mel.config().sampleRate()) {
            throw new IllegalArgumentException("the vocoder expects " + model.config().nMels() + " mels, hop "
                    + model.config().hop() + " at " + model.config().sampleRate() + " Hz; the front end gives "
                    + mel.config().nMels() + ", hop " + mel.config().hop() + " at " + mel.config().sampleRate());
        }
        train.requireBatch(options.batch());
        this.model = model;
        this.flow = new FlowMatching(model.config());
        this.train = train;
        this.options = options;
        int clips = validation == null ? 0 : Math.min(options.validationClips(), validation.size());
        this.validationAudio = new float[clips * options.validationSamples()];
        for (int i = 0; i < clips; i++) {
            SpeechCorpus.Utterance u = validation.get(i);
            int start = Math.max(0, (u.length() - options.validationSamples()) / 2);
            u.crop(start, options.validationSamples(), validationAudio, i * options.validationSamples());
        }
    }

    /** Validate with these weights (the trainer's EMA) instead of the live ones. */
    public void useEma(Supplier<Map<String, NDArray>> weights) {
        this.emaWeights = weights;
    }

    @Override
    public String name() {
        return "vocoder";
    }

    @Override
    public Block block() {
        return model;
    }

    public Options options() {
        return options;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        int batch = options.batch();
        int segment = options.segment();
        NDArray x1 = m.create(train.randomCrops(random, batch, segment), new Shape(batch, segment)); // (B, T)
        float[] times = new float[batch];
        for (int b = 0; b < batch; b++) {
            times[b] = (float) random.nextDouble();
        }
        NDArray t = m.create(times, new Shape(batch));
        NDArray eps = m.randomNormal(new Shape(batch, segment));                                   // libtorch, re-seeded per step
        NDArray loss = flowLoss(x1, t, eps);
        return new StepLoss(loss, Map.of("fm", loss));
    }

    /** The OT-CFM loss of clean audio x1 (B, T) at times t (B) with noise eps (B, T). */
    private NDArray flowLoss(NDArray x1, NDArray t, NDArray eps) {
        NDArray logMel = mel.logMel(x1);                                                           // (B, 80, T/256)
        int[] frames = new int[(int) x1.getShape().get(0)];
        Arrays.fill(frames, (int) logMel.getShape().get(2));
        EncodedMel encoded = model.encode(logMel, frames, null);
        NDArray x0 = flow.prior(eps, encoded.sigma(), 1.0);
        FlowMatching.Point point = flow.interpolate(x1, x0, t);
        NDArray v = model.velocity(point.xt(), t, encoded, FreeU.OFF, null);
        return flow.loss(v, point.target(), encoded.sigma(), encoded.lengths());
    }

    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        int clips = validationAudio.length / options.validationSamples();
        if (clips == 0) {
            return Map.of();
        }
        TrainableParameters params = new TrainableParameters(model);
        Map<String, NDArray> live = null;
        if (emaWeights != null) {
            live = params.copies(m);
            params.copyFrom(emaWeights.get());
        }
        // No gradients are needed; grad mode is per thread, so restore the trainer's afterwards.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return score(m, clips);
        } finally {
            JniUtils.setGradMode(gradMode);
            if (live != null) {
                params.copyFrom(live);
            }
        }
    }

    private Map<String, Double> score(NDManager m, int clips) {
        int n = options.validationSamples();
        Map<String, Double> out = new LinkedHashMap<>();
        NDArray x1 = m.create(validationAudio, new Shape(clips, n));
        int[] lengths = new int[clips];
        Arrays.fill(lengths, n);
        NDArray eps = Vocoder.noise(m, lengths, n, VALIDATION_SEED);
        double fm = 0;
        for (float time : VALIDATION_TIMES) {
            try (NDManager scope = m.newSubManager()) {
                NDArray loss = flowLoss(PeriodWave.scoped(x1, scope), scope.full(new Shape(clips), time),
                        PeriodWave.scoped(eps, scope));
                fm += loss.getFloat() / VALIDATION_TIMES.length;
            }
        }
        out.put("fm", fm);
        if (options.validationSteps() > 0) {
            NDArray reference = mel.logMel(x1);                                                    // (N, 80, F)
            int[] frames = new int[clips];
            Arrays.fill(frames, (int) reference.getShape().get(2));
            NDArray audio = new Vocoder(model).vocode(reference, frames,
                    new Vocoder.Sampling(new MidpointSampler(), options.validationSteps(), 0.667, VALIDATION_SEED, FreeU.OFF));
            out.put("mel_l1", (double) new LogMelDistance(mel).compute(x1, audio).getFloat());
        }
        return out;
    }

    /** Frame energies E of every training utterance: (min, max) over all frames, for {@link VocoderConfig}. */
    public static double[] energyRange(SpeechCorpus corpus, NDManager m) {
        MelSpectrogram front = MelSpectrogram.hifiGan();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (SpeechCorpus.Utterance u : corpus.utterances()) {
            try (NDManager scope = m.newSubManager()) {
                NDArray x = scope.create(u.samples(), new Shape(1, u.length()));
                NDArray e = EnergyPrior.frameEnergy(front.logMel(x));
                min = Math.min(min, e.min().getFloat());
                max = Math.max(max, e.max().getFloat());
            }
        }
        return new double[] {min, max};
    }

    @Override
    public void close() {
        // The model's weights belong to the manager that initialized it; the task holds no arrays.
    }
}
