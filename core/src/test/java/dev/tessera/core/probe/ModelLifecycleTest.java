package dev.tessera.core.probe;

import static dev.tessera.core.probe.ProbeFixtures.await;
import static dev.tessera.core.probe.ProbeFixtures.jobId;
import static dev.tessera.core.probe.ProbeFixtures.send;
import static dev.tessera.core.probe.ProbeFixtures.slow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.ModelProvider;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.core.cluster.TesseraVertx;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deployment, failure to load, discovery and the Prometheus names of a model's metrics. */
@ExtendWith(VertxExtension.class)
class ModelLifecycleTest {

    /** A model whose load-time self-test finds a missing op on the first {@code failures} loads. */
    static final class BrokenModel extends ModelVerticle<Void> {
        private final AtomicInteger failures;

        BrokenModel(AtomicInteger failures) {
            super("broken", "tessera.test.broken");
            this.failures = failures;
        }

        @Override
        protected void load() {
            if (failures.getAndDecrement() > 0) {
                throw new UnsupportedOperationException("self-test: conv1dTranspose is not implemented");
            }
        }

        @Override
        protected Void parse(TesseraPayload body) {
            return null;
        }

        @Override
        protected void runBatch(Batch<Void> batch) {
        }
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aModelThatFailsToLoadIsReportedFailedUntilItLoads(Vertx vertx) throws Exception {
        Codecs.registerAll(vertx);
        AtomicInteger failures = new AtomicInteger(1);
        Throwable e = vertx.deployVerticle(() -> new BrokenModel(failures),
                        ModelVerticle.deploymentOptions(new JsonObject()))
                .map(id -> (Throwable) null).otherwise(t -> t).await(10, TimeUnit.SECONDS);
        assertNotNull(e);
        assertTrue(e.getMessage().contains("conv1dTranspose"), e.getMessage());
        List<ModelStatus> models = new ModelRegistry(vertx).list().await(5, TimeUnit.SECONDS);
        assertEquals(1, models.size());
        assertEquals(ModelState.FAILED, models.get(0).state());
        assertTrue(models.get(0).message().contains("conv1dTranspose"), models.get(0).message());
        var meters = TesseraVertx.meters(vertx);
        assertEquals(1.0, meters.get("tessera.model.state").tags("model", "broken", "state", "failed").gauge().value());

        // Deployed again (the op is there now), the model's meters read the new instance, not the failed one.
        vertx.deployVerticle(() -> new BrokenModel(failures), ModelVerticle.deploymentOptions(new JsonObject()))
                .await(10, TimeUnit.SECONDS);
        assertEquals(1.0, meters.get("tessera.model.state").tags("model", "broken", "state", "ready").gauge().value());
        assertEquals(0.0, meters.get("tessera.model.state").tags("model", "broken", "state", "failed").gauge().value());
        assertEquals(ModelState.READY, new ModelRegistry(vertx).list().await(5, TimeUnit.SECONDS).get(0).state());
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aModelNeedsTheCodecsRegisteredFirst(Vertx vertx) throws Exception {
        Throwable e = vertx.deployVerticle(ProbeVerticle::new, ModelVerticle.deploymentOptions(null))
                .map(id -> (Throwable) null).otherwise(t -> t).await(10, TimeUnit.SECONDS);
        assertTrue(e.getMessage().contains("Codecs.registerAll"), e.getMessage());
    }

    @Test
    void theProbeIsDeployedExplicitlyNeverDiscovered() {
        List<String> discovered = ModelProviders.discover().stream().map(ModelProvider::name).toList();
        assertTrue(!discovered.contains(ProbeVerticle.NAME), discovered.toString());
        ModelProvider probe = new ProbeProvider();
        assertEquals("tessera.probe.infer", probe.address());
        assertTrue(probe.isInstalled(Path.of("/nonexistent")));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aNodesPrometheusScrapeShowsTheModelMetricsByTheirSpecNames() throws Exception {
        TesseraVertx.Node node = TesseraVertx.start(NodeOptions.local()).await(10, TimeUnit.SECONDS);
        try {
            ModelProviders.deploy(node.vertx(), new ProbeProvider(), Path.of("models"),
                    new JsonObject().put("version", "v1")).await(10, TimeUnit.SECONDS);
            await(send(node.vertx().eventBus(), jobId(), slow(2, 0, 1), 5_000));
            String text = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            // Batch metrics land when the forward pass returns, just after the reply.
            while (!text.contains("tessera_inference_batches_total{model=\"probe\"} 1.0")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
                text = node.registry().scrape();
            }
            for (String line : List.of(
                    "tessera_requests_total{front=\"bus\",model=\"probe\",outcome=\"ok\"} 1.0",
                    "tessera_inference_items_total{model=\"probe\"} 1.0",
                    "tessera_inference_batches_total{model=\"probe\"} 1.0",
                    "tessera_batch_size_count{model=\"probe\"} 1",
                    "tessera_compute_seconds_count{model=\"probe\"} 1",
                    "tessera_queue_seconds_count{model=\"probe\"} 1",
                    "tessera_queue_depth{model=\"probe\"} 0.0",
                    "tessera_inflight{model=\"probe\"} 0.0",
                    "tessera_model_state{model=\"probe\",state=\"ready\",version=\"v1\"} 1.0",
                    "tessera_model_state{model=\"probe\",state=\"loading\",version=\"v1\"} 0.0")) {
                assertTrue(text.contains(line), "missing " + line);
            }
            assertTrue(text.contains("tessera_queue_seconds_bucket{model=\"probe\",le="), "queue histogram");
            assertTrue(text.contains("tessera_model_load_seconds{model=\"probe\"}"), "load time");
        } finally {
            node.close().await(10, TimeUnit.SECONDS);
        }
    }
}
