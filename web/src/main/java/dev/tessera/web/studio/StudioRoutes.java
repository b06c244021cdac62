package dev.tessera.web.studio;

import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.web.api.BusErrors;
import dev.tessera.web.api.VocodeRoutes;
import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;
import dev.tessera.web.server.RouteContributor;
import dev.tessera.web.server.ServerContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio: its page at {@code /} (plain HTML, CSS and JavaScript from {@code webroot/} on the class
 * path), its socket at {@code /ws} ({@link Studio}), and the HTTP routes around it:
 *
 * <ul>
 *   <li>{@code GET /api/v1/models}: every model's state, version, node, queue and parameter schema;</li>
 *   <li>{@code POST /api/v1/uploads}: a WAV (at most 32 MiB, 120 s) for a job to use, answered
 *       {@code 201 {id, mime, sampleRate, samples, seconds}};</li>
 *   <li>{@code GET /api/v1/jobs/{id}}, {@code .../outputs/{name}}, {@code .../preview} and
 *       {@code POST /api/v1/jobs/{id}/cancel} for studio jobs (outputs kept in memory, see {@link JobOutputs}, and, on a node with a job store, recorded there
 *       and written to the output folder, see {@link StudioHistory}).</li>
 * </ul>
 *
 * Limits come from {@code <models>/studio.json} ({@link StudioLimits}); the defaults are the spec's.
 */
public final class StudioRoutes implements RouteContributor {

    public static final String STUDIO_CONFIG = "studio.json";
    public static final String UPLOADS = "/api/v1/uploads";
    private static final Logger LOG = LoggerFactory.getLogger(StudioRoutes.class);

    private Studio studio;

    private Studio studio(ServerContext context) {
        if (studio == null) {
            // With a job store, studio jobs and their outputs are durable (serving spec 1), beside the batches'.
            studio = context.batches() == null
                    ? new Studio(context.vertx(), context.nodeId(), context.models(), readLimits(context.modelsDir()),
                            context.metrics())
                    : new Studio(context.vertx(), context.nodeId(), context.models(), readLimits(context.modelsDir()),
                            context.metrics(), context.batches().store(), context.batches().outputs());
            studio.start();
        }
        return studio;
    }

    static StudioLimits readLimits(Path modelsDir) {
        Path file = modelsDir == null ? null : modelsDir.resolve(STUDIO_CONFIG);
        if (file == null || !Files.isRegularFile(file)) {
            return StudioLimits.DEFAULT;
        }
        try {
            return StudioLimits.fromJson(new JsonObject(Files.readString(file)));
        } catch (Exception e) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not a JSON object of studio limits: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void configure(HttpServerOptions options, ServerContext context) {
        StudioLimits limits = studio(context).limits();
        options.setMaxWebSocketFrameSize(limits.maxFrameBytes()).setMaxWebSocketMessageSize(limits.maxMessageBytes());
        if (limits.sendBufferBytes() > 0) {
            options.setSendBufferSize(limits.sendBufferBytes());
        }
    }

    @Override
    public void configure(HttpServer server, ServerContext context) {
        Studio s = studio(context);
        server.webSocketHandshakeHandler(handshake -> handshake(handshake, context))
                .webSocketHandler(s::accept);
    }

    /** Only {@code /ws}; only from this server's own origin (or none: not a browser); the token when set. */
    private static void handshake(ServerWebSocketHandshake h, ServerContext context) {
        if (!"/ws".equals(h.path())) {
            h.reject(404);
            return;
        }
        String origin = h.headers().get(HttpHeaders.ORIGIN);
        String host = h.headers().get(HttpHeaders.HOST);
        if (origin != null && !(origin.equals("http://" + host) || origin.equals("https://" + host))) {
            LOG.info("studio socket from foreign origin {} (host {}) refused", origin, host);
            h.reject(403);
            return;
        }
        if (!context.auth().acceptsWebSocket(h.headers(), h.query())) {
            h.reject(401);
            return;
        }
        h.accept();
    }

    @Override
    public void addRoutes(Router router, ServerContext context) {
        Studio s = studio(context);
        router.get("/api/v1/models").handler(ctx -> s.refreshModels().onSuccess(models -> {
            JsonArray list = new JsonArray();
            for (ModelStatus m : models.values()) {
                list.add(new JsonObject().put("name", m.name()).put("state", m.state().wireName())
                        .put("version", m.version()).put("node", m.node()).put("queue", m.queue())
                        .put("lanes", m.lanes()).put("message", m.message()).put("schema", m.schema()));
            }
            ctx.json(new JsonObject().put("models", list));
        }).onFailure(ctx::fail));
        router.post(UPLOADS).handler(ctx -> upload(ctx, s));
        router.get("/api/v1/jobs/:id").handler(ctx -> s.jobSummaryAsync(ctx.pathParam("id")).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(notFound(ctx.pathParam("id")));
            } else {
                ctx.json(ar.result().get());
            }
        }));
        router.get("/api/v1/jobs/:id/outputs/:name").handler(ctx -> s.outputAsync(ctx.pathParam("id"),
                ctx.pathParam("name")).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(new ApiException(ApiError.notFound("job " + ctx.pathParam("id") + " has no output '"
                        + ctx.pathParam("name") + "'")));
            } else {
                JobOutputs.Output o = ar.result().get();
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, o.mime()).end(Buffer.buffer(o.bytes()));
            }
        }));
        router.get("/api/v1/jobs/:id/preview").handler(ctx -> {
            Object[] preview = s.latestPreview(ctx.pathParam("id"));
            if (preview == null) {
                throw new ApiException(ApiError.notFound("job " + ctx.pathParam("id") + " has no preview (yet)"));
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, (String) preview[0]).putHeader("Cache-Control", "no-store")
                    .end(Buffer.buffer((byte[]) preview[1]));
        });
        router.post("/api/v1/jobs/:id/cancel").handler(ctx -> s.cancelAsync(ctx.pathParam("id"))
                .onSuccess(ctx::json).onFailure(ctx::fail));
        // The page last: any GET no other route took, from webroot/ on the class path (404 when no such file).
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false)
                .setDefaultContentEncoding("UTF-8"));
    }

    @Override
    public Map<String, Long> bodyLimits() {
        return Map.of(UPLOADS, Uploads.MAX_BODY_BYTES);
    }

    private static ApiException notFound(String id) {
        return new ApiException(ApiError.notFound("no studio job " + id + " is known here"));
    }

    private static void upload(RoutingContext ctx, Studio s) {
        String type = VocodeRoutes.mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (!VocodeRoutes.WAV_TYPES.contains(type)) {
            throw new ApiException(ApiError.of(415, "unsupported_media_type", (type.isEmpty() ? "no Content-Type"
                    : "Content-Type " + type) + " is not accepted by " + UPLOADS + "; send audio/wav"));
        }
        Buffer body = ctx.body().buffer();
        ctx.vertx().executeBlocking(() -> Uploads.decodeWav(body == null ? new byte[0] : body.getBytes()), false)
                .onSuccess(u -> ctx.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(s.uploads().put(u).encode()))
                .onFailure(e -> {
                    if (e instanceof JobFailure f) {
                        BusErrors.toApiError(f).send(ctx);
                    } else {
                        ctx.fail(e);
                    }
                });
    }
}
