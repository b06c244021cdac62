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
                | loss | L1 + %.2f commitment + %.2f (H_sample - H_codebook), tau %.3g; no LPIPS, no GAN (not implemented yet) |
                | optimizer | Adam(W) lr %.3g, betas (%.2f, %.2f), weight decay %.3g, clip %.2f, EMA %.4f (exported) |
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
                config.tokenizer().quantizer().temperature(), t.learningRate(), t.beta1(), t.beta2(), t.weightDecay(),
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
}
