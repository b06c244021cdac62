package dev.tessera.web.server;

import dev.tessera.core.bus.ModelRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.tessera.web.jobs.Batches;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a {@link RouteContributor} may use to build its routes.
 *
 * @param vertx the node's Vert.x
 * @param nodeId this node's id, as shown in {@code /ready} and logs
 * @param models which models are deployed, on this node and (clustered) on every other
 * @param metrics the node's Prometheus registry; contributors add their meters here
 * @param modelsDir the folder models are installed under ({@code --models})
 * @param localModels names of the models this node deployed; {@code /ready} expects each to report
 * @param auth the token guard, for handlers outside the router (a websocket handshake)
 * @param protection per-client admission and CORS settings
 * @param batches the job store, output folder and batch runner; null on a node started without a store
 */
public record ServerContext(Vertx vertx, String nodeId, ModelRegistry models, PrometheusMeterRegistry metrics,
                            Path modelsDir, Set<String> localModels, BearerAuth auth, HttpProtection protection,
                            Batches batches) {

    public ServerContext {
        localModels = Set.copyOf(localModels);
        if (protection == null) {
            protection = HttpProtection.DEFAULTS;
        }
    }

    /** A context with the default protection and without batch rendering. */
    public ServerContext(Vertx vertx, String nodeId, ModelRegistry models, PrometheusMeterRegistry metrics,
                         Path modelsDir, Set<String> localModels, BearerAuth auth) {
        this(vertx, nodeId, models, metrics, modelsDir, localModels, auth, HttpProtection.DEFAULTS, null);
    }

    /** A context without batch rendering. */
    public ServerContext(Vertx vertx, String nodeId, ModelRegistry models, PrometheusMeterRegistry metrics,
                         Path modelsDir, Set<String> localModels, BearerAuth auth, HttpProtection protection) {
        this(vertx, nodeId, models, metrics, modelsDir, localModels, auth, protection, null);
    }
}
