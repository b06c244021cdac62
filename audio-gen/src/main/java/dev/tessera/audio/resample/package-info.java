/**
 * Sample-rate conversion to the models' 22,050 Hz: {@link dev.tessera.audio.resample.SincResampler}
 * (zero-phase polyphase Kaiser sinc, any rate in 8–192 kHz) and the filter design it shares with the CQT
 * front end, {@link dev.tessera.audio.resample.KaiserSinc}.
 */
package dev.tessera.audio.resample;
