package dev.tessera.web.jobs;

import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.web.jobs.JobStore.Lease;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Renders one batch item into the bytes of its output file by asking its model over the event bus, as
 * front end {@code batch} and without a deadline (batch items only have the model's 15-minute compute
 * cap, serving spec 3.1): an image item's {@code image0} PNG, or an audio item's PCM as a 16-bit WAV.
 * Failures are {@link dev.tessera.core.bus.JobFailure}s.
 */
public final class ItemRenderer {

    /** An output's bytes and media type. */
    public record Rendered(byte[] bytes, String mime) {
    }

    private final Vertx vertx;
    private final Path inputs;

    /** @param inputs the folder audio items' {@code input} paths are read from, or null */
    public ItemRenderer(Vertx vertx, Path inputs) {
        this.vertx = vertx;
        this.inputs = inputs;
    }

    /** Renders {@code item} as bus job {@code jobId} (which {@code tessera.jobs.cancel} can stop). */
    public Future<Rendered> render(Lease item, String jobId) {
        boolean image = BatchItems.IMAGE.equals(item.kind());
        // Reading and decoding an audio input is file work: the worker pool, not the caller's event loop.
        return vertx.executeBlocking(() -> BatchItems.request(item, inputs), false)
                .compose(payload -> ModelClient.request(vertx.eventBus(), item.lane(), jobId, payload, 0, "batch"))
                .compose(reply -> image
                        ? Future.succeededFuture(new Rendered(reply.body().requireBlob("image0").bytes(), "image/png"))
                        : vertx.executeBlocking(() -> new Rendered(WavWriter.write(reply.body().requireBlob("pcm")
                                .toFloats(), VocodeLimits.SAMPLE_RATE, WavEncoding.PCM_16), "audio/wav"), false));
    }
}
