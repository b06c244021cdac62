package dev.tessera.image.train;

import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.TrainingResult;
import dev.tessera.image.data.EmojiDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code MODEL_CARD.md} written beside every exported image model: what it is, the data, the recipe,
 * steps and wall time, the held-out metrics of the last validation and the command that made it. Figures
 * a training run cannot know (FD-emoji, speed benchmarks) are left as {@code _TBD_} with the command that
 * fills them in; a person completes them after the run.
 */
final class ModelCards {

    static final String FILE = "MODEL_CARD.md";

    private ModelCards() {
    }

    static void writeTokenizerCard(Path dir, TokenizerTrainingConfig config, EmojiDataset data, int trainImages,
                                   TrainingResult result, long parameters, String command) throws IOException {
        TrainConfig t = config.train();
        Map<String, Double> v = result.validation();
        String card = String.format(Locale.ROOT, """
                # lfq-tokenizer — LFQ image tokenizer (Open-MAGVIT2 style, CPU build)

                Status: %s

                Files: `lfq-tokenizer.safetensors` (EMA weights, plain parameter names, the `LfqTokenizerConfig`
                embedded under `tessera.config`) and `lfq-tokenizer.json` (the same config). Load with
                `LfqTokenizer.load(dir, "lfq-tokenizer", manager)`.

                ## Model

                | | |
                | --- | --- |
                | architecture | specs/image.md 1.3: CNN encoder, lookup-free quantizer, CNN decoder with adaptive GroupNorm and depth-to-space upsampling |
                | tokens | %d x %d grid of K = %d bits (codebook %,d) per %d px image |
                | parameters | %,d |
                | config | `%s` |

                ## Data

                %s, %d training images (32 px, composited on white, area-downsampled), held-out split of %d
                images for validation (the fixed split of `EmojiSplit`). Augmentation: flip p = %.2f, shift up to %d px.

                ## Training

                | | |
                | --- | --- |
                | loss | L1 + %.2f commitment + %.2f (H_sample - H_codebook), tau %.3g; no LPIPS; %s |
                | optimizer | Adam(W) lr %.2e, betas (%.2f, %.2f), weight decay %.3g, clip %.2f, EMA %.4f (exported) |
                | schedule | warm-up %d steps, cosine to %.3g (the spec's x0.1 drops at 75%% and 92%% are not offered by the Trainer) |
                | batch | %d |
                | steps | %,d of %,d |
                | wall time | %.0f s of training (`trainSeconds` in the run's checkpoint state) |
                | command | `%s` |

                ## Results (held-out split, EMA weights, last validation)

                | metric | value | reference |
                | --- | --- | --- |
                | PSNR | %s dB | Open-MAGVIT2 Large 21.90 / 22.64 (ImageNet 256 px, with LPIPS; not comparable) |
                | SSIM | %s | |
                | L1 ([-1, 1]) | %s | |
                | codebook usage | %s | uniform random tokens: %s |
                | perplexity | %s | at most min(M, 2^K) |
                | max per-bit bias | %s | alert above 0.9 |
                | FD-emoji, reconstructions vs held-out | _TBD_ | `ImageEval --data data/emoji --tokenizer <this folder> --classifier models/emoji-classifier` |

                ## Limits

                - Trained from scratch on about 3,400 emoji at 32 px on CPU; expect soft edges (no perceptual loss).
                - The learning-rate schedule is a cosine, not the reference's step drops.
                """, result.finished() ? "trained to the planned step count." : "exported from a stopped run (step "
                        + result.step() + " of " + result.totalSteps() + ").",
                config.tokenizer().gridSize(), config.tokenizer().gridSize(), config.tokenizer().bits(),
                1L << config.tokenizer().bits(), config.tokenizer().imageSize(), parameters,
                config.tokenizer().toJson().encode(), data.source(), trainImages, data.heldOutIndices().length,
                config.augmentation().flipProbability(), config.augmentation().maxShift(),
                config.tokenizer().quantizer().commitmentWeight(), config.tokenizer().quantizer().entropyWeight(),
                config.tokenizer().quantizer().temperature(), config.gan().enabled()
                        ? String.format(Locale.ROOT, "+ %.2f softplus(-D(x_hat)) from step %d (PatchGAN ndf %d, hinge, LeCAM %.3g)",
                        config.gan().weight(), config.gan().startStep(t.steps()), config.gan().ndf(), config.gan().lecamWeight())
                        : "no GAN", t.learningRate(), t.beta1(), t.beta2(), t.weightDecay(),
                t.clipGradNorm(), t.emaDecay(), t.warmupSteps(), t.minLearningRate(), config.batch(), result.step(),
                result.totalSteps(), result.trainSeconds(), command,
                figure(v, "val.psnr", "%.3f"), figure(v, "val.ssim", "%.4f"), figure(v, "val.l1", "%.4f"),
                figure(v, "val.usage", "%.4f"), figure(v, "val.uniformCoverage", "%.4f"),
                figure(v, "val.perplexity", "%.1f"), figure(v, "val.maxBitBias", "%.3f"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), card);
    }

    /** A metric formatted, or {@code _TBD_} when the run has not measured it. */
    static String figure(Map<String, Double> metrics, String key, String format) {
        Double v = metrics.get(key);
        return v == null ? "_TBD_" : String.format(Locale.ROOT, format, v);
    }

    /**
     * The card of an exported AR model.
     *
     * @param training the exported config's {@code training} object (step, heldOutBitsPerToken, run)
     * @param result the run's end, or null while it still trains
     */
    static void writeArCard(Path dir, ArTrainingConfig config, TokenCache.Tokens tokens, String source,
                            io.vertx.core.json.JsonObject training, long parameters, TrainingResult result, String command)
            throws IOException {
        TrainConfig t = config.train();
        Map<String, Double> v = result == null ? Map.of() : result.validation();
        double best = training.getDouble("heldOutBitsPerToken", Double.NaN);
        String status = result == null ? "training; this card is rewritten when the run ends."
                : result.finished() ? "the run reached its planned " + result.totalSteps() + " steps."
                : "the run stopped at step " + result.step() + " of " + result.totalSteps() + " (early stopping or a cancel).";
        String card = String.format(Locale.ROOT, """
                # image-ar (%s head) — class-conditional AR model of LFQ image tokens

                Status: %s

                Files: `image-ar.safetensors` (EMA weights at the step with the best held-out bits/token; the model
                config embedded under `tessera.config` with `tokenizer`, `categories`, `preview` and `training`) and
                `image-ar.json` (the same config). Load with `ImageTokenModels.load(dir, "image-ar", manager)`.

                ## Model

                | | |
                | --- | --- |
                | head | %s (specs/image.md %s) |
                | parameters | %,d |
                | config | `%s` |
                | tokenizer | `%s` (sha256 %s), K = %d |

                ## Data

                %s: %,d training sequences (each training image and its horizontal flip), %,d held-out sequences;
                64 tokens each, conditioned on the 10 emoji categories (class dropout for CFG as configured).

                ## Training

                | | |
                | --- | --- |
                | optimizer | AdamW peak lr %.2e, betas (%.2f, %.2f), weight decay %.3g (matrices only), clip %.2f, EMA %.4f (exported) |
                | schedule | warm-up %d steps, cosine to %.2e (the paper's flat 5%% + linear decay is not offered by the Trainer) |
                | batch | %d |
                | exported step | %s |
                | steps run | %s |
                | wall time | %s |
                | command | `%s` |

                ## Results (held-out sequences, EMA weights)

                | metric | value | reference |
                | --- | --- | --- |
                | bits/token at the exported step | %s | K = %d (uniform); held-out unigram entropy %s |
                | bits/token on as many training sequences (last validation) | %s | the over-fitting gap |
                | FD-emoji, CFG (2.0, 2.0), N = held-out size | _TBD_ | needs the sampler; floor and ceiling from `ImageEval` |
                | class accuracy of generated images | _TBD_ | |
                | images/s at batch 1 and 16 | _TBD_ | `tessera bench` |
                """, config.head(), status, config.head(), config.head().equals("flat") ? "2.3" : "2.2", parameters,
                config.model().encode(), training.getString("tokenizer", "models/image-tokenizer/lfq-tokenizer"),
                tokens.tokenizerSha256().length() > 12 ? tokens.tokenizerSha256().substring(0, 12) : tokens.tokenizerSha256(),
                config.bits(), source, tokens.train().count(), tokens.heldOut().count(), t.learningRate(), t.beta1(),
                t.beta2(), t.weightDecay(), t.clipGradNorm(), t.emaDecay(), t.warmupSteps(), t.minLearningRate(),
                config.batch(), training.containsKey("step") ? String.format(Locale.ROOT, "%,d", training.getLong("step")) : "_TBD_",
                result == null ? "_TBD_" : String.format(Locale.ROOT, "%,d of %,d", result.step(), result.totalSteps()),
                result == null ? "_TBD_" : String.format(Locale.ROOT, "%.0f s of training for the whole run", result.trainSeconds()),
                command, Double.isNaN(best) ? "_TBD_" : String.format(Locale.ROOT, "%.4f", best), config.bits(),
                figure(v, "val.unigramBits", "%.3f"), figure(v, "val.trainBitsPerToken", "%.4f"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), card);
    }

    static void writeClassifierCard(Path dir, ClassifierTrainingConfig config, EmojiDataset data, TrainingResult result,
                                    long parameters, String sha256, String command) throws IOException {
        TrainConfig t = config.train();
        Map<String, Double> v = result.validation();
        int[][] counts = data.countsByCategory();
        int majority = 0;
        for (int[] c : counts) {
            majority = Math.max(majority, c[1]);
        }
        String card = String.format(Locale.ROOT, """
                # emoji-classifier — FD-emoji feature extractor (specs/image.md 4)

                Frozen after training. **sha256 `%s`** (short `%s`): every FD-emoji score prints this hash; a
                score computed with another classifier is not comparable.

                Files: `emoji-classifier.safetensors` (EMA weights; the config with category and subcategory names
                embedded) and `emoji-classifier.json`. Load with `FdEmoji.load(dir, manager)`.

                ## Model

                4 conv stages (%s channels, GroupNorm(%d), SiLU, stride 2 in stages 2-4), global average pool,
                Linear(-> %d) + SiLU = the FD feature, category head (%d) and subcategory head (%d); %,d parameters.

                ## Training

                %s training split (%,d images), augmentation flip p = %.2f and shift up to %d px; loss
                CE(category) + %.2f CE(subcategory); AdamW lr %.2e, betas (%.2f, %.3f), weight decay %.3g, warm-up %d,
                cosine to %.2e, clip %.2f, EMA %.3f; batch %d; %,d of %,d steps, %.0f s of training.
                Command: `%s`

                ## Held-out accuracy (EMA weights, %,d images)

                | | value |
                | --- | --- |
                | category accuracy | %s |
                | subcategory accuracy | %s |
                | chance: uniform / majority category | %.4f / %.4f |
                """, sha256, sha256.substring(0, 12), config.classifier().widths(), config.classifier().groups(),
                config.classifier().featureDim(), config.classifier().numCategories(), config.classifier().numSubcategories(),
                parameters, data.source(), data.trainIndices().length, config.augmentation().flipProbability(),
                config.augmentation().maxShift(), config.subcategoryWeight(), t.learningRate(), t.beta1(), t.beta2(),
                t.weightDecay(), t.warmupSteps(), t.minLearningRate(), t.clipGradNorm(), t.emaDecay(), config.batch(),
                result.step(), result.totalSteps(), result.trainSeconds(), command, data.heldOutIndices().length,
                figure(v, "val.accuracy", "%.4f"), figure(v, "val.subcategoryAccuracy", "%.4f"),
                1.0 / counts.length, (double) majority / data.heldOutIndices().length);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), card);
    }
}
