/**
 * Training of the image family on the project's {@link dev.tessera.core.train.Trainer} (one
 * {@link dev.tessera.core.train.TrainingTask} per network, no trainer of its own; see image-gen/TRAINING.md):
 * <ul>
 *   <li>{@link dev.tessera.image.train.LfqTokenizerTrainingTask}: the LFQ tokenizer, L1 + 0.25 commitment
 *       + 0.1 entropy penalty (specs/image.md 1.4), validated on the held-out split with EMA weights (PSNR,
 *       SSIM, codebook usage, perplexity, per-bit bias); {@link dev.tessera.image.train.ImageTokenizerTrainMain}.
 *       The optional PatchGAN + LeCAM ({@link dev.tessera.image.train.TokenizerGan},
 *       {@link dev.tessera.image.train.PatchDiscriminator}) takes its discriminator step as a training
 *       listener, in a gradient collector of its own after the generator's, and saves its state beside
 *       every checkpoint.</li>
 *   <li>{@link dev.tessera.image.train.ImageArTrainingTask}: the factorized AR model or the flat baseline
 *       on {@link dev.tessera.image.train.TokenSequences} made once by a frozen tokenizer (images and their
 *       flips), class dropout inside the model, held-out bits/token with early stopping
 *       ({@link dev.tessera.image.train.EarlyStopping}); {@link dev.tessera.image.train.ImageArTrainMain}.</li>
 *   <li>{@link dev.tessera.image.train.EmojiClassifierTrainingTask}: the FD-emoji feature extractor
 *       (specs/image.md 4); {@link dev.tessera.image.train.EmojiClassifierTrainMain}.</li>
 * </ul>
 * Every task draws its batches (indices, augmentation) from the step's {@code SplittableRandom} and its
 * dropout from libtorch, which the Trainer re-seeds per step, so a resumed run continues exactly. Each
 * main writes its resolved config into the run folder, exports EMA weights with a generated
 * {@code MODEL_CARD.md}, and has a {@code --time N} mode that prints seconds per step.
 */
package dev.tessera.image.train;
