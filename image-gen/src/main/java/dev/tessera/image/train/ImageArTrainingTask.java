package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainingTask;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.eval.BitsPerToken;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Trains an AR model of image tokens, the factorized head or the flat baseline (specs/image.md 2.4), with
 * the project's {@link dev.tessera.core.train.Trainer}, on sequences a frozen tokenizer made once
 * ({@link TokenSequences}).
 *
 * <p>Each step draws {@code batch} sequences uniformly with replacement from the step's generator; the
 * model's class dropout (0.1, the null class for CFG) and dropout draw from libtorch, which the Trainer
 * re-seeds per step, so a resumed run continues exactly. The loss is the model's mean negative
 * log-likelihood per token in nats (factorized: {@code cePre + cePost}); progress also shows it in bits.
 *
 * <p>Validation (EMA weights when {@link #useEma} was given them, no dropout) reports held-out
 * {@code bitsPerToken} (the early-stopping metric), and the same on as many training sequences
 * ({@code trainBitsPerToken}) to show the over-fitting gap.
 */
public final class ImageArTrainingTask implements TrainingTask, AutoCloseable {

    private static final double LN2 = Math.log(2);

    private final ArTrainingConfig config;
    private final NDManager manager = NDManager.newBaseManager();
    private final ImageTokenModel model;
    private final TokenSequences train;
    private final TokenSequences heldOut;
    private final TokenSequences trainProbe;
    private Supplier<Map<String, NDArray>> emaWeights;

    /** Builds the model of {@code config.model()} and initializes it from {@code config.train().seed()}. */
    public ImageArTrainingTask(ArTrainingConfig config, TokenSequences train, TokenSequences heldOut) {
        this.model = ImageTokenModels.fromConfig(config.model());
        int length = model.trunkConfig().tokens();
        for (TokenSequences s : new TokenSequences[] {train, heldOut}) {
            if (s.bits() != model.bits() || s.length() != length) {
                throw new IllegalArgumentException("the model reads " + length + " tokens of " + model.bits()
                        + " bits, the sequences have " + s.length() + " tokens of " + s.bits() + " bits");
            }
            for (int c : s.classes()) {
                if (c < 0 || c >= model.trunkConfig().numClasses()) {
                    throw new IllegalArgumentException("class " + c + " is outside the model's " + model.trunkConfig()
                            .numClasses() + " classes");
                }
            }
        }
        if (train.count() == 0 || heldOut.count() == 0) {
            throw new IllegalArgumentException("need training and held-out sequences, got " + train.count() + " and "
                    + heldOut.count());
        }
        this.config = config;
        this.train = train;
        this.heldOut = heldOut;
        this.trainProbe = train.head(heldOut.count());
        Seeds.seedAll(config.train().seed()); // the initial weights are a function of the run's seed
        model.initialize(manager, DataType.FLOAT32);
    }

    /** Validate with these averaged weights (the trainer's {@code ema()::weights}). */
    public void useEma(Supplier<Map<String, NDArray>> weights) {
        this.emaWeights = weights;
    }

    public ImageTokenModel model() {
        return model;
    }

    @Override
    public String name() {
        return "image-ar-" + config.head();
    }

    @Override
    public Block block() {
        return model;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        int[] indices = new int[config.batch()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(train.count());
        }
        NDArray tokens = train.tokenBatch(m, indices);                                    // (B, T) int64
        NDArray classes = train.classBatch(m, indices);                                   // (B) int64
        Map<String, NDArray> terms = new LinkedHashMap<>(model.loss(new ParameterStore(m, false), tokens, classes, true));
        NDArray loss = terms.remove("loss");
        terms.put("bitsPerToken", loss.div(LN2)); // reported only, never differentiated
        return new StepLoss(loss, terms);
    }

    /** Held-out and training-probe bits/token with the EMA weights. */
    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        return EmaWeights.with(model, emaWeights, m, () -> {
            BitsPerToken held = BitsPerToken.evaluate(model, heldOut.tokens(), heldOut.classes(), heldOut.length(), m,
                    config.validationBatch());
            BitsPerToken probe = BitsPerToken.evaluate(model, trainProbe.tokens(), trainProbe.classes(),
                    trainProbe.length(), m, config.validationBatch());
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("bitsPerToken", held.bitsPerToken());
            out.put("trainBitsPerToken", probe.bitsPerToken());
            out.put("unigramBits", held.unigramEntropyBits());
            return out;
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
