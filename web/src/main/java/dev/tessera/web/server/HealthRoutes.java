package dev.tessera.web.server;

import dev.tessera.web.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health} (liveness), {@code GET /ready} and {@code /ready/{model}} (readiness) and
 * {@code GET /metrics} (Prometheus text), serving spec 3.5. The server always mounts these first.
 */
public final class HealthRoutes implements RouteContributor {

    private static final String UP = new JsonObject().put("status", "UP").encode();

    @Override
    public void addRoutes(Router router, ServerContext context) {
        // Liveness answers from the event loop and never looks at models or stores.
        router.get("/health").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(UP));
        router.get("/ready").handler(ctx -> ready(ctx, context));
        router.get("/ready/:model").handler(ctx -> readyModel(ctx, context));
        router.get("/metrics").handler(PrometheusScrapingHandler.create(context.metrics()));
    }

    /** How long {@code /ready} waits for the job store's answer before calling it failed. */
    static final long STORE_TIMEOUT_MS = 2_000;

    private static void ready(RoutingContext ctx, ServerContext context) {
        Future<JsonObject> store = store(context);
        context.models().list()
                .onSuccess(statuses -> store.onSuccess(entry -> reply(ctx, Readiness.withStore(
                        Readiness.of(context.nodeId(), statuses, context.localModels()), entry))))
                .onFailure(err -> registryUnavailable(ctx, err));
    }

    /**
     * The job store's entry of {@code /ready}: {@code {state: ready|failed, url, message?}}, or null on a node
     * without one. Never fails: an error or no answer within {@value #STORE_TIMEOUT_MS} ms reads {@code failed}.
     */
    private static Future<JsonObject> store(ServerContext context) {
        if (context.batches() == null) {
            return Future.succeededFuture(null);
        }
        JobStore store = context.batches().store();
        JsonObject entry = new JsonObject().put("url", store.describe());
        return store.ping().timeout(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .map(v -> entry.put("state", "ready"))
                .otherwise(err -> entry.put("state", "failed").put("message", "the job store does not answer: "
                        + err.getMessage()));
    }

    private static void readyModel(RoutingContext ctx, ServerContext context) {
        String model = ctx.pathParam("model");
        Set<String> local = context.localModels();
        context.models().list()
                .onSuccess(statuses -> Readiness.ofModel(context.nodeId(), model, statuses, local).ifPresentOrElse(
                        report -> reply(ctx, report),
                        () -> ApiError.notFound("no model named '" + model + "' is deployed; deployed: "
                                + deployed(Readiness.names(statuses, local))).send(ctx)))
                .onFailure(err -> registryUnavailable(ctx, err));
    }

    private static String deployed(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static void reply(RoutingContext ctx, Readiness.Report report) {
        ctx.response().setStatusCode(report.httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(report.body().encode());
    }

    private static void registryUnavailable(RoutingContext ctx, Throwable err) {
        ApiError.of(503, "not_ready", "the model registry cannot be read: " + err.getMessage())
                .withRetryAfter(5).send(ctx);
    }
}
