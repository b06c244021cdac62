package dev.tessera.audio.wav;

import java.util.List;

/**
 * Decoded audio: mono samples in [-1, 1) for integer sources (float sources are not clipped), at the
 * file's own rate.
 *
 * @param samples mono samples, channels averaged (length = frames)
 * @param sampleRate Hz, 8,000..192,000
 * @param channels channel count of the source file
 * @param encoding the source's sample encoding
 * @param warnings things a user may want to know but that did not stop decoding (truncated data)
 */
public record WavAudio(float[] samples, int sampleRate, int channels, WavEncoding encoding, List<String> warnings) {

    public WavAudio {
        warnings = List.copyOf(warnings);
    }

    public int frames() {
        return samples.length;
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
