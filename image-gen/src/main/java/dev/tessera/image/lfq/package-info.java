/**
 * The LFQ image tokenizer (specs/image.md section 1): {@link dev.tessera.image.lfq.LookupFreeQuantizer}
 * (codes in {-1,+1}^K, index = binary number of the bits, channel 0 least significant; every loss term
 * by name) and {@link dev.tessera.image.lfq.LfqTokenizer} (32x32 images to an 8x8 grid of K-bit tokens
 * and back), each with its {@code XxxConfig} record (JSON in and out).
 *
 * <p>Default K = 14: encoder 2,043,150 and decoder 3,176,003 parameters. Training (losses of section
 * 1.4, optimizer, EMA) lives with the training loop, not here.
 */
package dev.tessera.image.lfq;
