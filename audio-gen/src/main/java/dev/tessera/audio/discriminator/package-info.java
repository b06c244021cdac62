/**
 * GAN discriminators over 22,050 Hz waveforms and the losses and update step that train against them
 * (audio spec 3 and 4): {@link dev.tessera.audio.discriminator.MultiPeriodDiscriminator} (HiFi-GAN's MPD),
 * {@link dev.tessera.audio.discriminator.MultiScaleStftDiscriminator} (EnCodec's MS-STFTD) and
 * {@link dev.tessera.audio.discriminator.MultiScaleSubBandCqtDiscriminator} (MS-SB-CQTD), each a config
 * record plus one network file; LSGAN, feature-matching and multi-scale mel losses returning named terms;
 * and {@link dev.tessera.audio.discriminator.GanStep}, a discriminator update then a generator update under
 * DJL's one-collector rule. See docs/audio-discriminators.md.
 */
package dev.tessera.audio.discriminator;
