/**
 * The log-mel front end in the HiFi-GAN convention (audio spec 1.2) and the STFT / inverse STFT it is
 * built on, batched in libtorch and differentiable.
 */
package dev.tessera.audio.mel;
