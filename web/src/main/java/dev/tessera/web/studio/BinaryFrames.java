package dev.tessera.web.studio;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * The studio's binary websocket frames (serving spec 2.2): a fixed 40-byte big-endian header, then the
 * payload (a JPEG or PNG preview, or PCM samples).
 *
 * <pre>
 * offset bytes field
 *  0      4    event type: 1 = preview image (ComfyUI's PREVIEW_IMAGE), 2 = audio chunk
 *  4      4    format: 1 = JPEG, 2 = PNG, 16 = PCM s16le mono, 17 = PCM f32le mono
 *  8      8    seq (the client's counter, shared with text frames)
 * 16     16    job id (UUID, most significant half first)
 * 32      4    preview: step;        audio: sample rate (Hz)
 * 36      4    preview: total steps; audio: index of the first sample
 * </pre>
 */
public final class BinaryFrames {

    public static final int HEADER_BYTES = 40;
    public static final int TYPE_PREVIEW = 1;
    public static final int TYPE_AUDIO = 2;
    public static final int FORMAT_JPEG = 1;
    public static final int FORMAT_PNG = 2;
    public static final int FORMAT_PCM_S16 = 16;
    public static final int FORMAT_PCM_F32 = 17;

    /** A decoded header. */
    public record Header(int type, int format, long seq, UUID jobId, int a, int b) {
    }

    private BinaryFrames() {
    }

    /** The header followed by {@code payload}, as one buffer (one websocket message). */
    public static Buffer encode(int type, int format, long seq, UUID jobId, int a, int b, byte[] payload) {
        Buffer out = Buffer.buffer(HEADER_BYTES + payload.length);
        out.appendInt(type).appendInt(format).appendLong(seq)
                .appendLong(jobId.getMostSignificantBits()).appendLong(jobId.getLeastSignificantBits())
                .appendInt(a).appendInt(b).appendBytes(payload);
        return out;
    }

    public static Header header(Buffer frame) {
        if (frame.length() < HEADER_BYTES) {
            throw new IllegalArgumentException("a binary studio frame has at least " + HEADER_BYTES + " bytes, got "
                    + frame.length());
        }
        return new Header(frame.getInt(0), frame.getInt(4), frame.getLong(8),
                new UUID(frame.getLong(16), frame.getLong(24)), frame.getInt(32), frame.getInt(36));
    }

    /** The bytes after the header. */
    public static byte[] payload(Buffer frame) {
        return frame.getBytes(HEADER_BYTES, frame.length());
    }
}
