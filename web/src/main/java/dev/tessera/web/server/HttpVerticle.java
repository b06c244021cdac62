package dev.tessera.web.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front end: one instance on an event loop (serving spec 4.1). It owns what every route shares
 * and leaves the routes to {@link RouteContributor}s: {@link HealthRoutes} first, then every contributor
 * found with {@link ServiceLoader}.
 *
 * <p>Per request, in order: an id ({@link RequestIds}); CORS when configured; the token check
 * ({@link BearerAuth}); the per-client admission ({@link ClientAdmission}); the body,
 * read up to 1 MiB or the contributor's limit (else 413); the route. Every error leaves as an
 * {@link ApiError} JSON body with the request id: 404 {@code not_found} for an unknown path, 405 for a
 * wrong method, 413 {@code too_large}, 500 {@code internal} (logged with the request id) for anything
 * thrown. Before the body is read: CORS, only for the origins given with {@code --cors-origin} (none by
 * default: the studio page is served from the same origin), the token, and the per-client share of
 * {@code /api/} calls ({@link ClientAdmission}, 429).
 */
public final class HttpVerticle extends VerticleBase {

    /** Body limit of every route that does not declare its own (serving spec 4.2). */
    public static final long BODY_LIMIT_BYTES = 1L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

    private final String host;
    private final int port;
    private final ServerContext context;
    private final List<RouteContributor> contributors;
    private HttpServer server;

    /**
     * @param host address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port port to bind; 0 picks a free one (see {@link #actualPort()})
     * @param contributors route contributors, mounted in this order
     */
    public HttpVerticle(String host, int port, ServerContext context, List<RouteContributor> contributors) {
        this.host = host;
        this.port = port;
        this.context = context;
        this.contributors = List.copyOf(contributors);
    }

    /** {@link HealthRoutes}, then every contributor listed in {@code META-INF/services}. */
    public static List<RouteContributor> discoverContributors() {
        List<RouteContributor> all = new ArrayList<>();
        all.add(new HealthRoutes());
        ServiceLoader.load(RouteContributor.class).forEach(all::add);
        return all;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
        contributors.forEach(c -> c.configure(options, context));
        server = vertx.createHttpServer(options);
        contributors.forEach(c -> c.configure(server, context));
        return server.requestHandler(router()).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The bound port once started (the chosen one when started with port 0), else -1. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign);
        router.route().failureHandler(HttpVerticle::onFailure);
        // CORS before the token: a browser's preflight (OPTIONS) never carries credentials.
        var cors = context.protection().corsHandler();
        if (cors != null) {
            router.route().handler(cors);
        }
        router.route().handler(context.auth()::handle);
        // Admission after the token (a stranger cannot use up a client's share) and before the body is read.
        router.route().handler(new ClientAdmission(context.protection().maxCallsPerClient(), context.metrics())::handle);
        // The first body handler that runs wins, so the larger per-route limits go before the default.
        for (RouteContributor contributor : contributors) {
            for (Map.Entry<String, Long> limit : contributor.bodyLimits().entrySet()) {
                router.route(limit.getKey()).handler(bodyHandler(limit.getValue()));
            }
        }
        router.route().handler(bodyHandler(BODY_LIMIT_BYTES));
        for (RouteContributor contributor : contributors) {
            contributor.addRoutes(router, context);
        }
        // No route matched the path (404) or none matched the method (405).
        router.errorHandler(404, HttpVerticle::onNoRoute);
        router.errorHandler(405, HttpVerticle::onNoRoute);
        return router;
    }

    private static BodyHandler bodyHandler(long limit) {
        // No file uploads: they would write into the working folder.
        return BodyHandler.create(false).setBodyLimit(limit);
    }

    private static void onNoRoute(RoutingContext ctx) {
        ApiError.forStatus(ctx.statusCode(), ctx.request().method().name(), ctx.request().path()).send(ctx);
    }

    private static void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            api.error().send(ctx);
            return;
        }
        int status = ctx.statusCode();
        if (status >= 400 && status < 500) {
            ApiError.forStatus(status, ctx.request().method().name(), ctx.request().path()).send(ctx);
            return;
        }
        String requestId = RequestIds.of(ctx);
        LOG.error("{} {} failed (request id {})", ctx.request().method(), ctx.request().path(), requestId, failure);
        ApiError.internal(requestId).send(ctx);
    }
}
