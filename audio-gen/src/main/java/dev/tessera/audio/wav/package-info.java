/**
 * WAV input and output (audio spec 1.1): {@link dev.tessera.audio.wav.WavReader} parses RIFF/WAVE
 * (PCM 16/24/32, float32, extensible; channels averaged to mono) and refuses everything else with an
 * {@link dev.tessera.audio.wav.AudioInputException} (code {@code bad_input}); {@link
 * dev.tessera.audio.wav.WavWriter} writes mono 16-bit PCM or float32 with exact, streamable headers.
 */
package dev.tessera.audio.wav;
