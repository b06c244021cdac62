package dev.tessera.web.studio;

import dev.tessera.audio.wav.AudioInputException;
import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.TesseraPayload.Blob;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Files uploaded for studio jobs ({@code POST /api/v1/uploads}): a WAV is decoded once, at upload, to mono
 * float samples; a {@code generate} names it by id in a parameter the model's schema marks {@code x-upload},
 * and the studio sends the samples as the blob the schema names. Kept in memory for a session's lifetime,
 * at most {@code capacityBytes} of samples, oldest first out.
 */
public final class Uploads {

    /** The longest audio an upload may hold: the vocoder API's limit. */
    public static final int MAX_SECONDS = 120;
    /** The largest upload body: 120 s of 16-bit stereo at 48 kHz is 23 MiB; the vocoder API's 32 MiB. */
    public static final long MAX_BODY_BYTES = 32L << 20;

    /** One decoded upload. */
    public record Upload(String id, String mime, int sampleRate, float[] samples, long atMillis) {
        JsonObject toJson() {
            return new JsonObject().put("id", id).put("mime", mime).put("sampleRate", sampleRate)
                    .put("samples", samples.length).put("seconds", samples.length / (double) sampleRate);
        }
    }

    private final long capacityBytes;
    private final long ttlMillis;
    private final LinkedHashMap<String, Upload> byId = new LinkedHashMap<>();
    private long bytes;

    public Uploads(long capacityBytes, long ttlMillis) {
        this.capacityBytes = capacityBytes;
        this.ttlMillis = ttlMillis;
    }

    /**
     * Decodes a WAV (blocking: call off the event loop).
     *
     * @throws JobFailure {@code bad_input} for a file that is not a WAV we read, {@code too_large} past 120 s
     */
    public static Upload decodeWav(byte[] wav) {
        WavAudio audio;
        try {
            audio = new WavReader(MAX_SECONDS).read(wav);
        } catch (AudioInputException e) {
            throw e.reason() == AudioInputException.Reason.TOO_LONG
                    ? JobFailure.tooLarge(e.getMessage() + " (uploads take at most " + MAX_SECONDS + " s)")
                    : JobFailure.badInput("body", e.getMessage());
        }
        return new Upload(UUID.randomUUID().toString(), "audio/wav", audio.sampleRate(), audio.samples(),
                System.currentTimeMillis());
    }

    /** Keeps an upload; the oldest ones go when the samples pass the capacity. Returns what the client sees. */
    public JsonObject put(Upload upload) {
        byId.put(upload.id(), upload);
        bytes += upload.samples().length * 4L;
        Iterator<Upload> it = byId.values().iterator();
        while (bytes > capacityBytes && it.hasNext()) {
            Upload u = it.next();
            if (u != upload) {
                bytes -= u.samples().length * 4L;
                it.remove();
            }
        }
        return upload.toJson();
    }

    /**
     * The blob a model gets for an upload named in parameter {@code param}, checked against the schema's
     * {@code x-upload} ({@code {mime, blob, sampleRate?}}).
     */
    Blob blobFor(String param, String uploadId, JsonObject spec) {
        Upload u = byId.get(uploadId);
        if (u == null) {
            throw JobFailure.badInput(param, param + ": no upload '" + uploadId + "' (uploads are kept "
                    + ttlMillis / 60_000 + " min); POST the file to /api/v1/uploads first");
        }
        if (!u.mime().equals(spec.getString("mime"))) {
            throw JobFailure.badInput(param, param + " must be " + spec.getString("mime") + ", got " + u.mime());
        }
        Integer rate = spec.getInteger("sampleRate");
        if (rate != null && rate != u.sampleRate()) {
            throw new JobFailure(FailureCode.BAD_INPUT, String.format(Locale.ROOT, "%s: expected %d Hz audio, got %d Hz;"
                            + " resample it first (e.g. sox in.wav -r %d out.wav)", param, rate, u.sampleRate(), rate),
                    -1, new JsonObject().put("fields", new JsonObject().put(param, "expected " + rate + " Hz audio, got "
                            + u.sampleRate() + " Hz")), null);
        }
        return Blob.ofFloats(spec.getString("blob"), u.samples(), u.samples().length);
    }

    void expire(long nowMillis) {
        Iterator<Map.Entry<String, Upload>> it = byId.entrySet().iterator();
        while (it.hasNext()) {
            Upload u = it.next().getValue();
            if (nowMillis - u.atMillis() <= ttlMillis) {
                break;
            }
            bytes -= u.samples().length * 4L;
            it.remove();
        }
    }
}
