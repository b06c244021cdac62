package dev.tessera.web.server;

import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.cluster.TesseraVertx;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reports itself ready with {@code version} = the kind of thread it was deployed on and {@code lanes}
 * from its config, and answers requests with the config and folder it was given.
 */
final class FakeModelVerticle extends VerticleBase {

    static final AtomicInteger STOPS = new AtomicInteger();

    private final Path modelDir;
    private final JsonObject config;
    private MessageConsumer<JsonObject> consumer;

    FakeModelVerticle(Path modelDir, JsonObject config) {
        this.modelDir = modelDir;
        this.config = config;
    }

    @Override
    public Future<?> start() {
        String thread = context.isWorkerContext() ? "worker" : "event-loop";
        consumer = vertx.eventBus().consumer(FakeModelProvider.ADDRESS, msg -> msg.reply(new JsonObject()
                .put("config", config).put("modelDir", modelDir.toString())));
        ModelStatus status = new ModelStatus(FakeModelProvider.NAME, FakeModelProvider.ADDRESS, ModelState.READY,
                thread, TesseraVertx.nodeId(vertx), 0, config.getInteger("lanes", 1), "", System.currentTimeMillis());
        return consumer.completion().compose(v -> new ModelRegistry(vertx).publish(status));
    }

    @Override
    public Future<?> stop() {
        STOPS.incrementAndGet();
        return new ModelRegistry(vertx).remove(FakeModelProvider.NAME, TesseraVertx.nodeId(vertx));
    }
}
