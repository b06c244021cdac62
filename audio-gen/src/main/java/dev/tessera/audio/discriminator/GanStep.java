package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.AdamW;
import dev.tessera.core.train.GradientClipping;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.TrainingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One adversarial update of a generator G and a discriminator D, each with its own {@link AdamW}, under
 * DJL's rule of one open {@code GradientCollector} per JVM. The discriminator goes first, as in HiFi-GAN:
 *
 * <ol>
 *   <li>collector A: x̂ = G(z, c) (recorded); L_D = LSGAN on D(x) and D(x̂.stopGradient()); backward; close.
 *       Clip, step D, zero D's gradients.</li>
 *   <li>collector B: D(x̂) and D(x) with the updated D (real features cut by {@code stopGradient});
 *       L_G = L_adv + λ_fm·L_fm + λ_mel·L_mel; backward, which runs through the graph of x̂ recorded in A
 *       (closing a collector only switches recording off; the graph lives in the arrays), so G runs once
 *       per step. Clip, step G, zero the gradients of G <b>and</b> D (L_G reached D's parameters too;
 *       the PyTorch collector never clears gradients).</li>
 * </ol>
 *
 * <p>Audio spec 4 sketches the opposite order (G first, then D on the detached x̂). Both cost one G pass;
 * discriminator first is the HiFi-GAN/BigVGAN/Amphion order, in which G is judged by the discriminator it
 * will face next. In each collector D runs once, over real and generated audio stacked along the batch
 * (2B, T): the same result as two passes, with half the operator calls, which dominate small models on CPU.
 *
 * <p>The caller owns the JVM's {@code TrainingSlot} for the run, seeds libtorch per step, and passes a
 * step manager that it closes after the step; every array of the step lives there. Updates write through
 * detached aliases ({@link TrainableParameters#alias}), so any thread may run a step.
 */
public final class GanStep implements AutoCloseable {

    /** Produces generated audio from the generator's parameters, so that gradients reach them. */
    @FunctionalInterface
    public interface Generator {
        /** x̂, (B, T) float32 at 22,050 Hz, the shape of the real batch, owned by {@code step}. */
        NDArray generate(NDManager step);
    }

    private final Discriminator discriminator;
    private final GanStepConfig config;
    private final MultiScaleMelLoss mel;
    private final NDManager manager;
    private final TrainableParameters discriminatorParams;
    private final AdamW discriminatorAdam;
    private final TrainableParameters generatorParams;
    private final AdamW generatorAdam;

    /**
     * @param parent owns the optimizer state (a sub-manager that {@link #close()} closes)
     * @param generator G's initialized block, or null to train only the discriminator ({@link #discriminatorStep})
     * @param discriminator D, initialized
     * @param mel the mel loss of L_G (unused without a generator)
     */
    public GanStep(NDManager parent, Block generator, Discriminator discriminator, MultiScaleMelLoss mel,
            GanStepConfig config) {
        if (generator != null && mel == null) {
            throw new IllegalArgumentException("a generator update needs the mel loss");
        }
        this.discriminator = discriminator;
        this.config = config;
        this.mel = mel;
        this.discriminatorParams = new TrainableParameters(discriminator); // rejects an uninitialized block
        this.generatorParams = generator == null ? null : new TrainableParameters(generator);
        this.manager = parent.newSubManager();
        this.discriminatorAdam = new AdamW(manager, discriminatorParams, config.beta1(), config.beta2(), config.eps(),
                config.weightDecay());
        this.generatorAdam = generator == null ? null : new AdamW(manager, generatorParams, config.beta1(),
                config.beta2(), config.eps(), config.weightDecay());
    }

    /** A step that trains only {@code discriminator}, on real and generated audio the caller supplies. */
    public static GanStep discriminatorOnly(NDManager parent, Discriminator discriminator, GanStepConfig config) {
        return new GanStep(parent, null, discriminator, null, config);
    }

    public GanStepConfig config() {
        return config;
    }

    /** AdamW updates of the discriminator so far. */
    public long discriminatorUpdates() {
        return discriminatorAdam.updates();
    }

    /** The discriminator's optimizer, whose {@code state()} and {@code load()} a trainer checkpoints. */
    public AdamW discriminatorOptimizer() {
        return discriminatorAdam;
    }

    /** The generator's optimizer, or null for a discriminator-only step. */
    public AdamW generatorOptimizer() {
        return generatorAdam;
    }

    /**
     * One discriminator update on a given batch: L_D on D(x) and D(x̂), x̂ detached.
     *
     * @param real (B, T) real audio
     * @param fake (B, T) generated audio (its graph, if any, is not used)
     * @return {@code loss}, {@code gradNorm} (before clipping), {@code score.real} and {@code score.fake} (mean
     *     logits before the update, see {@link LeastSquaresGan#meanLogit}), and every {@code d.*} term
     */
    public Map<String, Double> discriminatorStep(NDManager step, NDArray real, NDArray fake) {
        checkPair(real, fake);
        StepLoss loss;
        Map<String, Double> report = new LinkedHashMap<>();
        try (GradientCollector collector = step.getEngine().newGradientCollector()) {
            loss = discriminatorLoss(step, real, fake.stopGradient(), report);
            collector.backward(loss.total());
        }
        return update(step, discriminatorParams, discriminatorAdam, config.discriminatorLearningRate(), loss, "D",
                report);
    }

    /**
     * One step: the discriminator update, then the generator update (see the class comment).
     *
     * @param real (B, T) real audio
     * @param generator computes x̂; called once, inside the first collector
     */
    public GanStepResult step(NDManager step, NDArray real, Generator generator) {
        return step(step, real, generator, null, 0);
    }

    /**
     * One step whose generator loss adds {@code guideWeight}·mean|x̂ − guide|: a waveform aligned with x̂
     * sample by sample (a frozen teacher's output for the same conditioning and noise), so the term, unlike
     * the mel loss, also fixes x̂'s phase. Reported as {@code guide}.
     *
     * @param guide (B, T) target audio without a graph, or null for the plain step
     */
    public GanStepResult step(NDManager step, NDArray real, Generator generator, NDArray guide, double guideWeight) {
        if (generatorParams == null) {
            throw new IllegalStateException("this GanStep trains only a discriminator; build it with a generator to"
                    + " call step()");
        }
        if (guide != null && !guide.getShape().equals(real.getShape())) {
            throw new IllegalArgumentException("the guide must have the real batch's shape " + real.getShape()
                    + ", got " + guide.getShape());
        }
        NDArray fake;
        StepLoss dLoss;
        Map<String, Double> dReport = new LinkedHashMap<>();
        try (GradientCollector collector = step.getEngine().newGradientCollector()) {
            fake = generator.generate(step); // recorded here, back-propagated in collector B
            checkPair(real, fake);
            dLoss = discriminatorLoss(step, real, fake.stopGradient(), dReport);
            collector.backward(dLoss.total());
        }
        update(step, discriminatorParams, discriminatorAdam, config.discriminatorLearningRate(), dLoss, "D", dReport);

        StepLoss gLoss;
        Map<String, Double> gReport = new LinkedHashMap<>();
        try (GradientCollector collector = step.getEngine().newGradientCollector()) {
            List<List<DiscriminatorOutput>> judged = judge(step, real, fake, true);
            List<DiscriminatorOutput> realOut = judged.get(0);
            List<DiscriminatorOutput> fakeOut = judged.get(1);
            StepLoss adv = LeastSquaresGan.generatorLoss(fakeOut);
            StepLoss fm = FeatureMatchingLoss.loss(realOut, fakeOut);
            StepLoss melLoss = mel.loss(real, fake);
            NDArray total = adv.total().add(Scalars.times(fm.total(), config.featureMatchingWeight()))
                    .add(Scalars.times(melLoss.total(), config.melWeight()));
            Map<String, NDArray> terms = new LinkedHashMap<>();
            terms.put("adv", adv.total());
            terms.put("fm", fm.total());
            terms.put("mel", melLoss.total());
            if (guide != null) {
                NDArray guideLoss = fake.sub(guide.stopGradient()).abs().mean();
                total = total.add(Scalars.times(guideLoss, guideWeight));
                terms.put("guide", guideLoss);
            }
            terms.putAll(adv.terms());
            terms.putAll(fm.terms());
            terms.putAll(melLoss.terms());
            gLoss = new StepLoss(total, terms);
            collector.backward(total);
        }
        update(step, generatorParams, generatorAdam, config.generatorLearningRate(), gLoss, "G", gReport);
        discriminatorParams.zeroGradients(step); // L_G's backward reached D too
        return new GanStepResult(dReport, gReport);
    }

    private StepLoss discriminatorLoss(NDManager step, NDArray real, NDArray fakeDetached, Map<String, Double> report) {
        List<List<DiscriminatorOutput>> judged = judge(step, real, fakeDetached, false);
        List<DiscriminatorOutput> realOut = judged.get(0);
        List<DiscriminatorOutput> fakeOut = judged.get(1);
        report.put("score.real", LeastSquaresGan.meanLogit(realOut));
        report.put("score.fake", LeastSquaresGan.meanLogit(fakeOut));
        return LeastSquaresGan.discriminatorLoss(realOut, fakeOut);
    }

    /** Checks, clips and applies one side's gradients, then zeroes them; fills {@code report}. */
    private Map<String, Double> update(NDManager step, TrainableParameters params, AdamW adam, double learningRate,
            StepLoss loss, String side, Map<String, Double> report) {
        List<NDArray> grads = params.gradients(step);
        double lossValue = loss.total().getFloat();
        double norm = GradientClipping.clipByGlobalNorm(grads, config.clipGradNorm());
        if (!Double.isFinite(lossValue) || !Double.isFinite(norm)) {
            TrainableParameters.zero(grads);
            throw new TrainingException(TrainingException.Code.DIVERGED, "the " + side + " update diverged after "
                    + adam.updates() + " updates: loss " + lossValue + ", gradient norm " + norm
                    + "; lower the learning rate (" + learningRate + ") or enable clipGradNorm");
        }
        adam.step(grads, learningRate, step);
        TrainableParameters.zero(grads);
        report.put("loss", lossValue);
        report.put("gradNorm", norm);
        loss.terms().forEach((name, value) -> report.put(name, (double) value.getFloat()));
        return report;
    }

    /**
     * D(x) and D(x̂) from one forward pass over the (2B, T) stack of both: half the operator calls of two
     * passes, which on a small model dominate the cost. Exact, as no layer mixes examples.
     */
    private List<List<DiscriminatorOutput>> judge(NDManager step, NDArray real, NDArray fake, boolean withFeatures) {
        long b = real.getShape().get(0);
        List<DiscriminatorOutput> both = discriminator.forward(new ParameterStore(step, false), real.concat(fake, 0),
                true);
        List<DiscriminatorOutput> realOut = new ArrayList<>(both.size());
        List<DiscriminatorOutput> fakeOut = new ArrayList<>(both.size());
        for (DiscriminatorOutput o : both) {
            realOut.add(o.examples(0, b, withFeatures));
            fakeOut.add(o.examples(b, 2 * b, withFeatures));
        }
        return List.of(realOut, fakeOut);
    }

    private static void checkPair(NDArray real, NDArray fake) {
        if (real.getShape().dimension() != 2 || !real.getShape().equals(fake.getShape())) {
            throw new IllegalArgumentException("expected real and generated (B, T) audio of one shape, got "
                    + real.getShape() + " and " + fake.getShape());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
