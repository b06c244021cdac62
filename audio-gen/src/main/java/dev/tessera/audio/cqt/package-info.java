/**
 * The differentiable constant-Q transform of the MS-SB-CQT discriminator (audio spec 3.1–3.2): a half-band
 * 2× up-sampler to 44.1 kHz and octave-wise conv1d kernels, one transform per {@link
 * dev.tessera.audio.cqt.CqtScale}.
 */
package dev.tessera.audio.cqt;
