/**
 * Quality metrics of the image family (specs/image.md 1.5 and 4), on the host in float64 where the
 * numbers matter:
 * <ul>
 *   <li>{@link dev.tessera.image.eval.ReconstructionMetrics}: PSNR and SSIM (11x11 Gaussian window,
 *       sigma 1.5, per channel);</li>
 *   <li>{@link dev.tessera.image.eval.CodebookStatistics}: codebook usage next to the uniform-coverage
 *       ceiling, code perplexity, per-bit balance;</li>
 *   <li>{@link dev.tessera.image.eval.TokenizerEvaluation} / {@link dev.tessera.image.eval.TokenizerReport}:
 *       a tokenizer run over a set of images and scored;</li>
 *   <li>{@link dev.tessera.image.eval.BitsPerToken}: held-out bits per token of an AR head, next to K and
 *       the held-out unigram entropy;</li>
 *   <li>{@link dev.tessera.image.eval.FdEmoji}: FD-emoji with the frozen
 *       {@link dev.tessera.image.eval.EmojiClassifier} (64-d penultimate features), the Fréchet distance of
 *       {@link dev.tessera.image.eval.FrechetDistance} (Newton-Schulz square roots, small ridge), the
 *       class-matched floor and class accuracy;</li>
 *   <li>{@link dev.tessera.image.eval.ImageEval}: the command-line entry point, on the emoji split or any
 *       folder of PNGs ({@link dev.tessera.image.eval.ImageFolder}).</li>
 * </ul>
 */
package dev.tessera.image.eval;
