package dev.tessera.web.server;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Adds routes to the HTTP server. Front ends (studio, vocoder API, batches, ...) implement this and list
 * themselves in {@code META-INF/services/dev.tessera.web.server.RouteContributor}; the HTTP verticle finds
 * them with {@link java.util.ServiceLoader}, so adding a front end never edits the verticle.
 *
 * <p>Before a contributor's handlers run, the server has already: given the request an id
 * ({@link RequestIds}), checked the token for mutating methods ({@link BearerAuth}) and read the body
 * into {@code ctx.body()}, up to 1 MiB ({@link HttpVerticle#BODY_LIMIT_BYTES}) or the limit this
 * contributor declared in {@link #bodyLimits()}; a larger body is answered 413 before any handler runs.
 * Handlers report errors with {@link ApiError#send} or by failing the context with an
 * {@link ApiException}; anything else thrown becomes {@code 500 internal} with a log id.
 *
 * <p>Handlers run on the server's event loop: they must not block (send work to a model over the event
 * bus, or use {@code executeBlocking} for files and databases).
 */
public interface RouteContributor {

    /** Adds this contributor's routes, e.g. {@code router.post("/api/v1/vocode").handler(this::vocode)}. */
    void addRoutes(Router router, ServerContext context);

    /**
     * Body limits in bytes for routes that take more than 1 MiB, by Vert.x route path, e.g.
     * {@code Map.of("/api/v1/vocode", 32L << 20)}.
     */
    default Map<String, Long> bodyLimits() {
        return Map.of();
    }

    /** Changes the HTTP server's options before it is created (e.g. websocket frame and message sizes). */
    default void configure(HttpServerOptions options, ServerContext context) {
    }

    /**
     * Adds handlers the router cannot hold, before the server listens: websocket handshakes
     * ({@code server.webSocketHandshakeHandler}) and sockets. At most one contributor may take websockets.
     */
    default void configure(HttpServer server, ServerContext context) {
    }
}
