/**
 * Autoregressive models of image tokens (specs/image.md section 2), behind
 * {@link dev.tessera.image.ar.ImageTokenModel}:
 * <ul>
 *   <li>{@link dev.tessera.image.ar.FactorizedArTransformer}: asymmetric token factorization
 *       ({@link dev.tessera.image.ar.SubTokenSplit}, 6 + 8 bits at K = 14) and next-sub-token prediction
 *       with an intra-token transformer; 6,150,912 parameters at the default;</li>
 *   <li>{@link dev.tessera.image.ar.FlatArTransformer}: the same trunk with one 2^K-way softmax head,
 *       the baseline; 13,523,200 parameters at K = 14.</li>
 * </ul>
 * Both share {@link dev.tessera.image.ar.InterTokenTransformer} (class prefix with a null class for CFG,
 * class dropout, learned positions). Positions are learned only; the spec's optional 2-D RoPE is not
 * implemented yet. Sampling (KV cache, CFG, top-k/top-p) lives in {@code dev.tessera.image.sample}.
 */
package dev.tessera.image.ar;
