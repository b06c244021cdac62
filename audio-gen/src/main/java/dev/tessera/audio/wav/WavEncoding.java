package dev.tessera.audio.wav;

/** Sample encodings the reader accepts; the writer emits {@link #PCM_16} or {@link #FLOAT_32}. */
public enum WavEncoding {
    PCM_16(1, 16),
    PCM_24(1, 24),
    PCM_32(1, 32),
    FLOAT_32(3, 32);

    /** WAVE format tag (1 = integer PCM, 3 = IEEE float), also the first field of an extensible GUID. */
    public final int formatTag;
    public final int bitsPerSample;

    WavEncoding(int formatTag, int bitsPerSample) {
        this.formatTag = formatTag;
        this.bitsPerSample = bitsPerSample;
    }

    public int bytesPerSample() {
        return bitsPerSample / 8;
    }
}
