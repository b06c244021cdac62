package dev.tessera.web.studio;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files studio jobs made, for {@code GET /api/v1/jobs/{id}/outputs/{name}}: kept in memory, at most
 * {@code capacityBytes} in all, the oldest job's files dropped first. Not durable: a restart forgets them
 * (the job store of batch rendering is where durable outputs live). Used only on the studio's event loop.
 */
public final class JobOutputs {

    /** One file: its name within the job, media type and bytes. */
    public record Output(String name, String mime, byte[] bytes) {
    }

    private final long capacityBytes;
    private final LinkedHashMap<String, List<Output>> byJob = new LinkedHashMap<>();
    private long bytes;

    public JobOutputs(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * The files of a model's reply: each image blob as it came ({@code image0.png}, ...), each float32 audio
     * blob as a 16-bit WAV ({@code pcm.wav}); when the reply holds no audio but windows were streamed, those
     * as {@code audio.wav}. Blocking work (WAV encoding): call it off the event loop.
     *
     * @param streamedF32 float32 little-endian samples streamed before the reply (may be empty)
     * @param sampleRate the model's output rate, for audio
     */
    static List<Output> fromReply(TesseraPayload reply, byte[] streamedF32, int sampleRate) {
        List<Output> out = new ArrayList<>();
        boolean audio = false;
        for (Blob b : reply.blobs()) {
            if (b.mime().startsWith("image/")) {
                out.add(new Output(b.name() + "." + b.mime().substring(6), b.mime(), b.bytes()));
            } else if ("float32".equals(b.dtype()) && sampleRate > 0) {
                out.add(new Output(b.name() + ".wav", "audio/wav", WavWriter.write(b.toFloats(), sampleRate,
                        WavEncoding.PCM_16)));
                audio = true;
            }
        }
        if (!audio && streamedF32.length > 0 && sampleRate > 0) {
            float[] samples = new float[streamedF32.length / 4];
            ByteBuffer.wrap(streamedF32).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples);
            out.add(new Output("audio.wav", "audio/wav", WavWriter.write(samples, sampleRate, WavEncoding.PCM_16)));
        }
        return out;
    }

    public void put(String jobId, List<Output> outputs) {
        List<Output> old = byJob.put(jobId, List.copyOf(outputs));
        if (old != null) {
            bytes -= size(old);
        }
        bytes += size(outputs);
        Iterator<Map.Entry<String, List<Output>>> it = byJob.entrySet().iterator();
        while (bytes > capacityBytes && it.hasNext()) {
            Map.Entry<String, List<Output>> e = it.next();
            if (e.getKey().equals(jobId)) {
                continue;
            }
            bytes -= size(e.getValue());
            it.remove();
        }
    }

    /** One file of a job, or null. */
    public Output get(String jobId, String name) {
        List<Output> files = byJob.get(jobId);
        if (files != null) {
            for (Output o : files) {
                if (o.name().equals(name)) {
                    return o;
                }
            }
        }
        return null;
    }

    public long bytes() {
        return bytes;
    }

    private static long size(List<Output> files) {
        long n = 0;
        for (Output o : files) {
            n += o.bytes().length;
        }
        return n;
    }
}
