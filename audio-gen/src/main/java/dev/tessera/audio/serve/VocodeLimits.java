package dev.tessera.audio.serve;

/**
 * What the vocoder API accepts (serving spec 3.2): 80-bin log-mels or mono PCM at 22,050 Hz, at most
 * {@value #MAX_SECONDS} s of audio. Longer input is {@code too_large} (413), checked before any tensor
 * exists.
 */
public final class VocodeLimits {

    public static final int SAMPLE_RATE = 22_050;
    public static final int HOP = 256;
    public static final int N_MELS = 80;
    public static final int MAX_SECONDS = 120;
    /** 2,646,000 samples. */
    public static final int MAX_SAMPLES = MAX_SECONDS * SAMPLE_RATE;
    /** 10,335 frames: the most whole frames in {@link #MAX_SAMPLES}. */
    public static final int MAX_FRAMES = MAX_SAMPLES / HOP;
    /** 32 MiB: the largest HTTP body {@code POST /api/v1/vocode} reads. */
    public static final long MAX_BODY_BYTES = 32L << 20;

    private VocodeLimits() {
    }
}
