package dev.tessera.image.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.AdamW;
import dev.tessera.core.train.GradientClipping;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.TrainingCheckpoints;
import dev.tessera.core.train.TrainingListener;
import dev.tessera.core.train.TrainingProgress;
import dev.tessera.core.train.WarmupCosineSchedule;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokenizer's optional adversarial training (specs/image.md 1.4) on top of the project's Trainer, which
 * knows one network and one optimizer: the discriminator D lives here, with its own AdamW, and takes its
 * step as a {@link TrainingListener} right after each generator step, in a gradient collector of its own
 * (the generator's is closed by then; collectors are sequential, never nested).
 *
 * <pre>
 * G (in LfqTokenizerTrainingTask.loss, from the start step on):  + weight x mean softplus(-D(x_hat))
 * D (here, same batch, x_hat detached):
 *   mu_r <- decay mu_r + (1 - decay) mean D(x);  mu_f <- decay mu_f + (1 - decay) mean D(x_hat)
 *   L_D = mean relu(1 - D(x)) + mean relu(1 + D(x_hat))
 *       + lecamWeight x [mean relu(D(x) - mu_f)^2 + mean relu(mu_r - D(x_hat))^2]
 * </pre>
 * D uses the tokenizer's Adam settings, learning-rate schedule and clipping. Its weights, Adam moments and
 * the two EMAs are saved beside every trainer checkpoint as {@code gan-step-NNNNNN.safetensors} (pruned
 * with them) and restored by {@link #resume}; the D step draws nothing random, so a resumed run continues
 * exactly. In the generator's pass D's weights are detached copies: the gradient reaches x_hat only.
 */
public final class TokenizerGan implements TrainingListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerGan.class);
    static final String PREFIX = "gan-";

    private final GanConfig config;
    private final TrainConfig train;
    private final Path runDir;
    private final NDManager manager = NDManager.newBaseManager();
    private final PatchDiscriminator discriminator;
    private final TrainableParameters params;
    private final AdamW adamW;
    private final WarmupCosineSchedule schedule;
    private final long startStep;
    private double muReal;
    private double muFake;
    private NDArray stashReal;
    private NDArray stashFake;
    private long stashStep = -1;
    private Map<String, Double> lastMetrics = Map.of();
    private Runnable onFailure = () -> { };
    private RuntimeException failure;

    /** D initialized from the run's seed (independently of the tokenizer's initialization). */
    public TokenizerGan(GanConfig config, TrainConfig train, Path runDir) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("the GAN is not enabled in this config");
        }
        this.config = config;
        this.train = train;
        this.runDir = runDir;
        this.discriminator = new PatchDiscriminator(config.ndf());
        Seeds.seedAll(train.seed());
        Seeds.seedEngine("discriminator-init", 0);
        discriminator.initialize(manager);
        this.params = new TrainableParameters(discriminator);
        this.adamW = AdamW.of(manager, params, train);
        this.schedule = WarmupCosineSchedule.of(train);
        this.startStep = config.startStep(train.steps());
    }

    public GanConfig config() {
        return config;
    }

    public PatchDiscriminator discriminator() {
        return discriminator;
    }

    /** Whether the step with this 0-based index trains adversarially. */
    public boolean active(long step) {
        return step >= startStep;
    }

    /** What to do when a D step fails (the Trainer swallows listener errors): e.g. {@code trainer::cancel}. */
    public void onFailure(Runnable action) {
        this.onFailure = action;
    }

    /** The error that stopped D, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /** D's loss terms of its last step: ganD (hinge), lecam, logitReal, logitFake; empty before the first. */
    public Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    /**
     * The generator's adversarial term {@code mean softplus(-D(x_hat))} (unweighted), called inside the
     * generator's gradient collector; keeps device copies of the batch for this step's D update.
     *
     * @param real {@code (B, 3, S, S)} the batch the tokenizer saw
     * @param fake {@code (B, 3, S, S)} its reconstruction, with its graph
     */
    public NDArray generatorTerm(ParameterStore ps, NDArray real, NDArray fake, long step) {
        closeStash();
        stashReal = deviceCopy(real);
        stashFake = deviceCopy(fake);
        stashStep = step;
        NDArray logits = discriminator.forward(ps, fake, true, true);                    // (B, 1, 2, 2), D frozen
        return Activation.softPlus(logits.neg()).mean();
    }

    /** A detached copy owned by the GAN (the step's manager closes before D's step), for D's step. */
    private NDArray deviceCopy(NDArray a) {
        try (NDArray view = a.stopGradient()) {
            NDArray copy = view.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    private void closeStash() {
        if (stashReal != null) {
            stashReal.close();
            stashFake.close();
        }
        stashReal = null;
        stashFake = null;
        stashStep = -1;
    }

    @Override
    public void onProgress(TrainingProgress p) {
        long step = p.step() - 1; // the index of the update just done
        if (stashStep != step || failure != null) {
            return;
        }
        try {
            discriminatorStep(step);
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("discriminator step {} failed; stopping the run: {}", step, e.toString());
            onFailure.run();
        } finally {
            closeStash();
        }
    }

    private void discriminatorStep(long step) {
        try (NDManager m = manager.newSubManager()) {
            // libtorch gives a new parameter an uninitialized gradient buffer that the first backward adds to
            // (the Trainer zeroes its own parameters' before it starts); D's are zeroed here, every step.
            params.zeroGradients(m);
            ParameterStore ps = new ParameterStore(m, false);
            double d = config.lecamDecay();
            NDArray loss;
            NDArray hinge;
            NDArray lecam;
            NDArray meanReal;
            NDArray meanFake;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray lr = discriminator.forward(ps, stashReal, true);                      // (B, 1, 2, 2)
                NDArray lf = discriminator.forward(ps, stashFake, true);
                // The EMAs move with this batch before the regularizer uses them (as LeCAM's code); they are
                // detached, so no gradient flows through them (and no backward node keeps their scalars).
                meanReal = lr.mean().stopGradient().mul((float) (1 - d)).add((float) (d * muReal));
                meanFake = lf.mean().stopGradient().mul((float) (1 - d)).add((float) (d * muFake));
                hinge = lr.neg().add(1f).clip(0f, Float.MAX_VALUE).mean()
                        .add(lf.add(1f).clip(0f, Float.MAX_VALUE).mean());
                lecam = lr.sub(meanFake).clip(0f, Float.MAX_VALUE).square().mean()
                        .add(meanReal.sub(lf).clip(0f, Float.MAX_VALUE).square().mean());
                loss = hinge.add(Scalars.times(lecam, config.lecamWeight()));
                collector.backward(loss);
            }
            List<NDArray> grads = params.gradients(m);
            double norm = GradientClipping.clipByGlobalNorm(grads, train.clipGradNorm());
            float lossValue = loss.getFloat();
            if (!Double.isFinite(norm) || !Float.isFinite(lossValue)) {
                TrainableParameters.zero(grads);
                throw new IllegalStateException("the discriminator diverged at step " + step + " (loss " + lossValue
                        + ", gradient norm " + norm + ")");
            }
            adamW.step(grads, schedule.rate(step), m);
            TrainableParameters.zero(grads);
            double newReal = meanReal.getFloat();
            double newFake = meanFake.getFloat();
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("ganD", (double) hinge.getFloat());
            metrics.put("lecam", (double) lecam.getFloat());
            metrics.put("logitReal", (newReal - d * muReal) / (1 - d));
            metrics.put("logitFake", (newFake - d * muFake) / (1 - d));
            muReal = newReal;
            muFake = newFake;
            lastMetrics = metrics;
        }
    }

    static String name(long step) {
        return PREFIX + TrainingCheckpoints.name(step);
    }

    /** Saves D's state beside the trainer's checkpoint of the same step and prunes those the trainer pruned. */
    @Override
    public void onCheckpoint(long step, Path file) {
        try {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            params.all().forEach(e -> tensors.put("d." + e.name(), e.array()));
            adamW.state().forEach((k, v) -> tensors.put("adamw." + k, v));
            JsonObject state = new JsonObject().put("step", step).put("adamUpdates", adamW.updates())
                    .put("muReal", muReal).put("muFake", muFake).put("gan", config.toJson());
            Checkpoint.save(runDir, name(step), tensors, state, Map.of());
            List<Long> kept = new TrainingCheckpoints(runDir).steps();
            try (Stream<Path> files = Files.list(runDir)) {
                for (Path p : files.toList()) {
                    String f = p.getFileName().toString();
                    if (f.startsWith(PREFIX + "step-") && (f.endsWith(".safetensors") || f.endsWith(".json"))) {
                        long s = Long.parseLong(f.substring((PREFIX + "step-").length(), f.indexOf('.')));
                        if (!kept.contains(s)) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the discriminator of step " + step + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores D's state of {@code step} (the step the trainer resumed at). Before the GAN's start step D
     * has never been updated, so a missing file is fine there; after it, it is an error.
     */
    public void resume(long step) throws IOException {
        if (step == 0) {
            return;
        }
        if (!Checkpoint.exists(runDir, name(step))) {
            if (step <= startStep) {
                return;
            }
            throw new IOException("no discriminator state " + name(step) + " in " + runDir + " for the resumed step "
                    + step + "; the GAN started at step " + startStep);
        }
        Checkpoint.Loaded loaded = Checkpoint.load(runDir, name(step));
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            Map<String, NDArray> optimizer = new LinkedHashMap<>();
            loaded.toNDArrays(scratch).forEach((k, v) -> {
                if (k.startsWith("d.")) {
                    weights.put(k.substring(2), v);
                } else if (k.startsWith("adamw.")) {
                    optimizer.put(k.substring("adamw.".length()), v);
                }
            });
            params.copyFrom(weights);
            adamW.load(optimizer, loaded.config().getLong("adamUpdates"));
        }
        muReal = loaded.config().getDouble("muReal");
        muFake = loaded.config().getDouble("muFake");
        LOG.info("discriminator: resumed from {} (step {})", Checkpoint.tensorsFile(runDir, name(step)), step);
    }

    @Override
    public void close() {
        closeStash();
        manager.close();
    }
}
