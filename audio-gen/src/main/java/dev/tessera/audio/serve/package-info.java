/**
 * The vocoder as a service: {@link dev.tessera.audio.serve.MelVocoder} (a loaded checkpoint, mel analysis
 * and the Griffin-Lim baseline, plain Java), {@link dev.tessera.audio.serve.StreamingVocoder} (window by
 * window with crossfades, audio spec 6.5; {@link dev.tessera.audio.serve.WindowPreviews} sends the windows of a
 * streamed job), {@link dev.tessera.audio.serve.VocoderVerticle} on
 * {@code tessera.audio.vocode} and its provider, and the {@code tessera train vocoder} and
 * {@code tessera eval vocoder} entry points.
 */
package dev.tessera.audio.serve;
