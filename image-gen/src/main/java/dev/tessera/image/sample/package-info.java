/**
 * Sampling image tokens from an {@link dev.tessera.image.ar.ImageTokenModel} (specs/image.md 3), separate
 * from the models:
 * <ul>
 *   <li>{@link dev.tessera.image.sample.TokenSampler}: a batch of images in raster order, one sub-token at
 *       a time (pre then post for the factorized head, one draw for the flat head), with KV caches for the
 *       inter-token transformer ({@code (R, heads, 64, d)} per layer) and the intra-token one (length 2,
 *       reused per token), or by full recomputation as the reference; a {@link
 *       dev.tessera.image.sample.TokenListener} after every token may stop it;</li>
 *   <li>{@link dev.tessera.image.sample.SubTokenSampler}: the host-side draw, CFG mix, divide by T, top-k,
 *       top-p, softmax, draw, with the image's own generator from (seed, index)
 *       ({@link dev.tessera.image.sample.SampleSpec#random()}), so a batch never changes an image;</li>
 *   <li>{@link dev.tessera.image.sample.SamplingParams}: per-sub-token
 *       {@link dev.tessera.image.sample.SubTokenSampling} and the CFG interval;</li>
 *   <li>{@link dev.tessera.image.sample.TokenDecoder}: grids, finished or partial (pending positions filled
 *       per {@link dev.tessera.image.sample.PreviewFill}), to {@link dev.tessera.image.sample.RgbImage}s
 *       and PNG bytes.</li>
 * </ul>
 * Not implemented yet: the VAR-style linear CFG ramp (the interval is).
 */
package dev.tessera.image.sample;
