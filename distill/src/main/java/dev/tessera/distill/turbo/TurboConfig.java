package dev.tessera.distill.turbo;

import dev.tessera.audio.discriminator.GanStepConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How a PeriodWave-Turbo student is made (audio spec 4): the fixed Euler grid it is unrolled on, the GAN
 * recipe, the discriminators that judge it, and the shape it is subcloned to from its teacher.
 *
 * @param steps Euler steps of the student, 4, 2 or 1; the grid is t = i / steps (0, .25, .5, .75 for 4)
 * @param segment samples per training crop (16,384 in the spec's CPU recipe), a multiple of 256
 * @param batch crops per step (2)
 * @param learningRate AdamW rate of the student and of the discriminators (2e-5, no schedule)
 * @param featureMatchingWeight λ_fm of L_G = L_adv + λ_fm·L_fm + λ_mel·L_mel (2)
 * @param melWeight λ_mel (45)
 * @param discriminators which discriminators judge the student, in order: {@code mpd}, {@code cqt},
 *     {@code stft}; Turbo is [mpd, cqt], the ablation [mpd, stft]
 * @param studentChannels U-Net widths of the student (levels 0..3), or empty for the teacher's
 * @param studentPeriods period branches of the student, a subset of the teacher's, or empty for all
 * @param temperature tau of the starting noise z = alpha·sigma_E·tau·eps (1 in training and serving)
 * @param checkpointEvery steps between checkpoints of G, D and both optimizers (0 = only at the end)
 * @param validateEvery steps between validations (0 = never)
 * @param validationClips held-out clips scored at each validation
 * @param validationSamples samples per validation clip, a multiple of 256
 * @param seed root seed of the run: noise, crops and initialisation
 * @param guideWeight λ_guide of an added term λ_guide·mean|x̂ − x_guide|, where x_guide is a frozen guide
 *     vocoder's output from the same mel and the same noise (progressive distillation, Salimans and Ho 2022,
 *     beside the GAN losses); 0 (the spec's recipe) trains without a guide
 * @param guideSteps Euler steps of the guide on the same grid convention (t = i / guideSteps), 1..64; more
 *     than {@code steps} for a guide worth following (8 for the shipped students)
 */
public record TurboConfig(int steps, int segment, int batch, double learningRate, double featureMatchingWeight,
                          double melWeight, List<String> discriminators, List<Integer> studentChannels,
                          List<Integer> studentPeriods, double temperature, long checkpointEvery, long validateEvery,
                          int validationClips, int validationSamples, long seed, double guideWeight,
                          int guideSteps) {

    public static final List<Integer> STEP_CHOICES = List.of(4, 2, 1);
    public static final List<String> DISCRIMINATOR_CHOICES = List.of("mpd", "cqt", "stft");

    /** The spec's CPU recipe for a 4-step student: 16,384-sample crops at batch 2, lr 2e-5, MPD + MS-SB-CQTD. */
    public static final TurboConfig DEFAULT = new TurboConfig(4, 16_384, 2, 2e-5, 2, 45, List.of("mpd", "cqt"),
            List.of(), List.of(), 1.0, 100, 500, 4, 65_536, 1, 0, 8);

    public TurboConfig {
        discriminators = List.copyOf(discriminators);
        studentChannels = List.copyOf(studentChannels);
        studentPeriods = List.copyOf(studentPeriods);
        List<String> errors = new ArrayList<>();
        if (!STEP_CHOICES.contains(steps)) {
            errors.add("steps must be one of " + STEP_CHOICES + ", got " + steps);
        }
        if (segment < 256 || segment % 256 != 0 || batch < 1) {
            errors.add("need a segment that is a positive multiple of 256 and batch >= 1, got " + segment + " x " + batch);
        }
        if (!(learningRate >= 0) || !(featureMatchingWeight >= 0) || !(melWeight >= 0) || !(temperature >= 0)
                || Double.isInfinite(learningRate) || Double.isInfinite(temperature)) {
            errors.add("learningRate, loss weights and temperature must be finite and >= 0");
        }
        if (discriminators.isEmpty() || !DISCRIMINATOR_CHOICES.containsAll(discriminators)
                || discriminators.stream().distinct().count() != discriminators.size()) {
            errors.add("discriminators must be distinct names from " + DISCRIMINATOR_CHOICES + ", got " + discriminators);
        }
        if (!studentChannels.isEmpty() && (studentChannels.size() != 4 || studentChannels.stream().anyMatch(c -> c < 1))) {
            errors.add("studentChannels must give 4 widths >= 1 (levels 0..3) or none, got " + studentChannels);
        }
        if (!(guideWeight >= 0) || Double.isInfinite(guideWeight) || guideSteps < 1 || guideSteps > 64) {
            errors.add("guideWeight must be finite and >= 0 and guideSteps in [1, 64], got " + guideWeight + " and "
                    + guideSteps);
        }
        if (checkpointEvery < 0 || validateEvery < 0 || validationClips < 0 || validationSamples < 256
                || validationSamples % 256 != 0) {
            errors.add("checkpointEvery, validateEvery and validationClips must be >= 0 and validationSamples a multiple"
                    + " of 256");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("bad turbo config: " + String.join("; ", errors));
        }
    }

    /** The flow times of the student's Euler steps: t_i = i / steps. */
    public float[] times() {
        return times(steps);
    }

    /** The flow times of an n-step uniform Euler grid: t_i = i / n. */
    public static float[] times(int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = (float) i / n;
        }
        return t;
    }

    /** Whether a guide vocoder adds its term to the student's loss. */
    public boolean guided() {
        return guideWeight > 0;
    }

    /** The GAN step's recipe: AdamW at {@link #learningRate} for both sides, PyTorch's betas, no clipping. */
    public GanStepConfig ganStep() {
        GanStepConfig t = GanStepConfig.turbo();
        return new GanStepConfig(learningRate, learningRate, t.beta1(), t.beta2(), t.eps(), t.weightDecay(),
                t.clipGradNorm(), featureMatchingWeight, melWeight);
    }

    public TurboConfig withSteps(int newSteps) {
        return new TurboConfig(newSteps, segment, batch, learningRate, featureMatchingWeight, melWeight, discriminators,
                studentChannels, studentPeriods, temperature, checkpointEvery, validateEvery, validationClips,
                validationSamples, seed, guideWeight, guideSteps);
    }

    public JsonObject toJson() {
        return new JsonObject().put("steps", steps).put("segment", segment).put("batch", batch)
                .put("learningRate", learningRate).put("featureMatchingWeight", featureMatchingWeight)
                .put("melWeight", melWeight).put("discriminators", new JsonArray(new ArrayList<>(discriminators)))
                .put("studentChannels", new JsonArray(new ArrayList<>(studentChannels)))
                .put("studentPeriods", new JsonArray(new ArrayList<>(studentPeriods)))
                .put("temperature", temperature).put("checkpointEvery", checkpointEvery)
                .put("validateEvery", validateEvery).put("validationClips", validationClips)
                .put("validationSamples", validationSamples).put("seed", seed)
                .put("guideWeight", guideWeight).put("guideSteps", guideSteps);
    }

    /** Reads a config; absent keys take {@link #DEFAULT}'s values, unknown keys are refused by name. */
    public static TurboConfig fromJson(JsonObject j) {
        JsonObject d = DEFAULT.toJson();
        List<String> unknown = j.fieldNames().stream().filter(k -> !d.containsKey(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad turbo config: unknown keys " + unknown + "; known keys are "
                    + d.fieldNames().stream().sorted().toList());
        }
        JsonObject c = d.copy().mergeIn(j);
        try {
            return new TurboConfig(c.getInteger("steps"), c.getInteger("segment"), c.getInteger("batch"),
                    c.getDouble("learningRate"), c.getDouble("featureMatchingWeight"), c.getDouble("melWeight"),
                    strings(c.getJsonArray("discriminators")), ints(c.getJsonArray("studentChannels")),
                    ints(c.getJsonArray("studentPeriods")), c.getDouble("temperature"), c.getLong("checkpointEvery"),
                    c.getLong("validateEvery"), c.getInteger("validationClips"), c.getInteger("validationSamples"),
                    c.getLong("seed"), c.getDouble("guideWeight"), c.getInteger("guideSteps"));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("bad turbo config: wrong value type (" + e.getMessage() + ")", e);
        }
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getInteger(i));
        }
        return out;
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getString(i));
        }
        return out;
    }
}
