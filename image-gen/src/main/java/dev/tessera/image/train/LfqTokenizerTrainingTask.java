package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainingTask;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.TokenizerEvaluation;
import dev.tessera.image.eval.TokenizerReport;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LookupFreeQuantizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Trains the LFQ image tokenizer (specs/image.md 1.4) with the project's {@link dev.tessera.core.train.Trainer}:
 * <pre>
 *   L_G = |x - x_hat|_1 + 0.25 L_commit + 0.1 (H_sample - H_codebook)
 * </pre>
 * the quantizer's weights and temperature as configured ({@link dev.tessera.image.lfq.LookupFreeQuantizerConfig}).
 * Each step draws {@code batch} training images uniformly with replacement and their flip and shift from
 * the step's generator, so a resumed run continues exactly. Progress shows every term by name: {@code l1},
 * {@code commitment}, {@code sampleEntropy}, {@code codebookEntropy}, {@code entropyPenalty} and
 * {@code entropyBound} ({@code ln min(N, 2^K)}, the most H_codebook can reach at N = batch x 64 positions).
 *
 * <p>Validation scores the held-out images with the EMA weights (when {@link #useEma} was given them):
 * PSNR, SSIM, L1, codebook usage next to the uniform-coverage ceiling, perplexity and the largest per-bit
 * bias ({@link TokenizerReport#metrics()}).
 *
 * <p>With {@link #useGan} (spec: optional, after a warm-up of 30% of the steps) the generator's
 * non-saturating term {@code 0.1 x softplus(-D(x_hat))} joins the loss; the discriminator and its step live
 * in {@link TokenizerGan}.
 */
public final class LfqTokenizerTrainingTask implements TrainingTask, AutoCloseable {

    private final TokenizerTrainingConfig config;
    private final NDManager manager = NDManager.newBaseManager();
    private final LfqTokenizer tokenizer;
    private final ImageSet train;
    private final ImageSet heldOut;
    private Supplier<Map<String, NDArray>> emaWeights;
    private TokenizerGan gan;

    /**
     * Builds the tokenizer and initializes it from {@code config.train().seed()}.
     *
     * @param train training images ({@code config.tokenizer().imageSize()} px)
     * @param heldOut validation images; the first {@code validationImages} (all when 0) are scored
     */
    public LfqTokenizerTrainingTask(TokenizerTrainingConfig config, ImageSet train, ImageSet heldOut) {
        int size = config.tokenizer().imageSize();
        if (train.size() != size || heldOut.size() != size) {
            throw new IllegalArgumentException("the tokenizer reads " + size + " px images, the data has " + train.size()
                    + " px (train) and " + heldOut.size() + " px (held out)");
        }
        if (train.count() == 0 || heldOut.count() < 1) {
            throw new IllegalArgumentException("need training and held-out images, got " + train.count() + " and "
                    + heldOut.count());
        }
        this.config = config;
        this.train = train;
        int scored = config.validationImages() == 0 ? heldOut.count() : Math.min(config.validationImages(), heldOut.count());
        this.heldOut = scored == heldOut.count() ? heldOut : heldOut.subset(IntStream.range(0, scored).toArray());
        this.tokenizer = new LfqTokenizer(config.tokenizer());
        Seeds.seedAll(config.train().seed()); // the initial weights are a function of the run's seed
        tokenizer.initialize(manager);
    }

    /**
     * Adds the adversarial term from the GAN's start step on: {@code weight x mean softplus(-D(x_hat))}. The
     * GAN must also be a listener of the trainer (it takes D's step after each generator step).
     */
    public void useGan(TokenizerGan gan) {
        this.gan = gan;
    }

    /** Validate with these averaged weights (the trainer's {@code ema()::weights}). */
    public void useEma(Supplier<Map<String, NDArray>> weights) {
        this.emaWeights = weights;
    }

    public LfqTokenizer tokenizer() {
        return tokenizer;
    }

    public TokenizerTrainingConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "lfq-tokenizer";
    }

    @Override
    public Block block() {
        return tokenizer;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        int b = config.batch();
        int[] indices = new int[b];
        for (int i = 0; i < b; i++) {
            indices[i] = random.nextInt(train.count());
        }
        NDArray x = train.batch(m, indices, config.augmentation(), random);              // (B, 3, S, S) in [-1, 1]
        LfqTokenizer.Output out = tokenizer.forward(new ParameterStore(m, false), x, true, true);
        LookupFreeQuantizer.Quantized q = out.quantized();
        NDArray l1 = out.reconstruction().sub(x).abs().mean();
        NDArray total = l1.add(q.loss());   // L1 + 0.25 commitment + 0.1 (H_sample - H_codebook)
        long positions = (long) b * config.tokenizer().tokens();
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("l1", l1);
        terms.put("commitment", q.commitment());
        terms.put("sampleEntropy", q.sampleEntropy());
        terms.put("codebookEntropy", q.codebookEntropy());
        terms.put("entropyPenalty", q.entropyPenalty());
        terms.put("entropyBound", m.create((float) tokenizer.quantizer().codebookEntropyBound(positions)));
        if (gan != null && gan.active(step)) {
            NDArray g = gan.generatorTerm(new ParameterStore(m, false), x, out.reconstruction(), step);
            total = total.add(Scalars.times(g, gan.config().weight()));
            terms.put("ganG", g);
            // D's figures of its previous step, for the progress line only.
            gan.lastMetrics().forEach((k, v) -> terms.put(k, m.create(v.floatValue())));
        }
        return new StepLoss(total, terms);
    }

    /** Held-out metrics with the EMA weights: see {@link TokenizerReport#metrics()}. */
    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        return EmaWeights.with(tokenizer, emaWeights, m,
                () -> TokenizerEvaluation.evaluate(tokenizer, heldOut, m, config.validationBatch()).metrics());
    }

    @Override
    public void close() {
        manager.close();
    }
}
