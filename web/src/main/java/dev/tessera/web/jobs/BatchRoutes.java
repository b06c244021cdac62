package dev.tessera.web.jobs;

import dev.tessera.core.bus.JobFailure;
import dev.tessera.web.api.BusErrors;
import dev.tessera.web.jobs.JobStore.BatchStatus;
import dev.tessera.web.jobs.JobStore.ItemStatus;
import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;
import dev.tessera.web.server.RouteContributor;
import dev.tessera.web.server.ServerContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/batches} (serving spec 3.4): submit a batch of image and audio items, follow it, download
 * its outputs, cancel it. The work is done by {@link JobStore}, {@link BatchItems} and {@link BatchRunner};
 * these handlers only translate HTTP.
 *
 * <table>
 *   <caption>routes</caption>
 *   <tr><td>{@code POST /api/v1/batches}</td><td>{@code {name?, items:[...]}} (at most 32 MiB, 10,000 items,
 *       every item checked first: 400 with {@code details.fields} per item); {@code Idempotency-Key} returns the
 *       batch it made before (409 with another body). 202 {@code {id, state, items, counts, ...}} + Location</td></tr>
 *   <tr><td>{@code GET /api/v1/batches?limit=&after=}</td><td>a page, newest first; {@code next} is the cursor</td></tr>
 *   <tr><td>{@code GET /api/v1/batches/{id}}</td><td>state, counts, overall and each item's state
 *       ({@code ?items=false} leaves them out)</td></tr>
 *   <tr><td>{@code GET /api/v1/batches/{id}/outputs}</td><td>{@code [{name, item, mime, bytes, sha256, url}]}</td></tr>
 *   <tr><td>{@code GET /api/v1/batches/{id}/outputs/{name}}</td><td>the file, only from the output folder; a name
 *       that is not a plain file name ({@code ../}, a slash, a backslash, a leading dot) is 400; unknown or not yet
 *       made is 404</td></tr>
 *   <tr><td>{@code GET /api/v1/batches/{id}/archive}</td><td>a zip of every output made so far, with
 *       {@code manifest.json} (each item's state, output, size and SHA-256); built on a worker in a temporary
 *       file, sent, then deleted</td></tr>
 *   <tr><td>{@code POST /api/v1/batches/{id}/cancel}, {@code DELETE /api/v1/batches/{id}}</td><td>cancels the
 *       items that have not started; 200 {@code {cancelled, state, items}}; idempotent</td></tr>
 * </table>
 */
public final class BatchRoutes implements RouteContributor {

    public static final String PATH = "/api/v1/batches";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final long BODY_LIMIT_BYTES = 32L << 20;
    static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    static final int MAX_PAGE = 100;

    @Override
    public Map<String, Long> bodyLimits() {
        return Map.of(PATH, BODY_LIMIT_BYTES);
    }

    @Override
    public void addRoutes(Router router, ServerContext context) {
        router.post(PATH).handler(ctx -> submit(ctx, context));
        router.get(PATH).handler(ctx -> list(ctx, context));
        router.get(PATH + "/:id").handler(ctx -> status(ctx, context));
        router.get(PATH + "/:id/outputs").handler(ctx -> outputs(ctx, context));
        router.get(PATH + "/:id/outputs/:name").handler(ctx -> download(ctx, context));
        router.get(PATH + "/:id/archive").handler(ctx -> archive(ctx, context));
        router.post(PATH + "/:id/cancel").handler(ctx -> cancel(ctx, context));
        router.delete(PATH + "/:id").handler(ctx -> cancel(ctx, context));
    }

    private static Batches batches(ServerContext context) {
        if (context.batches() == null) {
            throw new ApiException(ApiError.of(503, "not_ready", "this node has no job store; start it with --store")
                    .withRetryAfter(60));
        }
        return context.batches();
    }

    private static void submit(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key != null && !KEY.matcher(key).matches()) {
            throw badField(IDEMPOTENCY_KEY, "the Idempotency-Key header must be 1-200 visible ASCII characters");
        }
        Buffer raw = ctx.body().buffer();
        JsonObject body;
        try {
            body = raw == null ? null : new JsonObject(raw);
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null) {
            throw badField("body", "the body must be a JSON object {name?, items:[{kind, model, params, output}]}");
        }
        JsonObject json = body;
        context.vertx().executeBlocking(() -> {
                    BatchItems.Parsed parsed = BatchItems.parse(json, b.inputs());
                    return new JobStore.NewBatch(parsed.name(), key, OutputFiles.sha256(raw.getBytes()), parsed.items());
                }, false)
                .compose(b.store()::submit)
                .onSuccess(submitted -> {
                    if (submitted.created()) {
                        b.runner().wake();
                    }
                    String location = PATH + "/" + submitted.batch().id();
                    ctx.response().setStatusCode(202).putHeader(HttpHeaders.LOCATION, location)
                            .putHeader("Idempotent-Replayed", Boolean.toString(!submitted.created()));
                    json(ctx, summary(submitted.batch()));
                })
                .onFailure(err -> fail(ctx, err));
    }

    private static void list(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String limitText = ctx.queryParams().get("limit");
        int limit = 20;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                throw badField("limit", "limit must be a whole number in 1.." + MAX_PAGE + ", got '" + limitText + "'");
            }
        }
        String after = ctx.queryParams().get("after");
        String state = ctx.queryParams().get("state");
        int page = limit;
        b.store().batches(limit, after).onSuccess(list -> {
            JsonArray out = new JsonArray();
            list.stream().filter(s -> state == null || s.state().equals(state)).forEach(s -> out.add(summary(s)));
            JsonObject reply = new JsonObject().put("batches", out);
            if (list.size() == page) {
                reply.put("next", list.get(list.size() - 1).id());
            }
            json(ctx, reply);
        }).onFailure(err -> fail(ctx, err));
    }

    private static void status(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String id = ctx.pathParam("id");
        boolean withItems = !"false".equals(ctx.queryParams().get("items"));
        found(b.store().batch(id), id).compose(batch -> !withItems
                        ? Future.succeededFuture(summary(batch))
                        : b.store().items(id).map(items -> {
                            JsonArray list = new JsonArray();
                            items.forEach(item -> list.add(item(item)));
                            return summary(batch).put("items", list);
                        }))
                .onSuccess(reply -> json(ctx, reply))
                .onFailure(err -> fail(ctx, err));
    }

    private static void outputs(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String id = ctx.pathParam("id");
        found(b.store().batch(id), id).compose(batch -> b.store().items(id))
                .onSuccess(items -> {
                    JsonArray list = new JsonArray();
                    items.stream().filter(i -> JobStore.SUCCEEDED.equals(i.state())).forEach(i -> list.add(
                            new JsonObject().put("name", i.output()).put("item", i.index()).put("mime", i.mime())
                                    .put("bytes", i.bytes()).put("sha256", i.sha256()).put("url", url(i))));
                    json(ctx, new JsonObject().put("outputs", list));
                })
                .onFailure(err -> fail(ctx, err));
    }

    private static void archive(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String id = ctx.pathParam("id");
        found(b.store().batch(id), id).compose(batch -> b.store().items(id).compose(items ->
                        ctx.vertx().executeBlocking(() -> BatchArchive.write(b.outputs(), batch, items), false)
                                .map(file -> Map.entry(batch, file))))
                .onSuccess(made -> {
                    Path file = made.getValue();
                    String name = (made.getKey().name() == null ? id : made.getKey().name()).replaceAll("[^A-Za-z0-9._-]",
                            "_");
                    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/zip")
                            .putHeader("Content-Disposition", "attachment; filename=\"" + name + ".zip\"")
                            .sendFile(file.toString())
                            .onComplete(done -> ctx.vertx().executeBlocking(() -> Files.deleteIfExists(file), false));
                })
                .onFailure(err -> fail(ctx, err));
    }

    private static void download(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String id = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        // Names are checked before anything is looked up: only plain file names, never a path.
        if (!BatchItems.OUTPUT_NAME.matcher(name).matches()) {
            throw badField("name", "an output name is a plain file name (letters, digits, '.', '_', '-'; no "
                    + "folders, no leading dot), got '" + name + "'");
        }
        if (!OutputFiles.BATCH_ID.matcher(id).matches()) {
            throw new ApiException(ApiError.notFound("no batch " + id));
        }
        b.store().item(id, name).onSuccess(item -> {
            if (item.isEmpty() || !JobStore.SUCCEEDED.equals(item.get().state())) {
                ApiError.notFound(item.isEmpty() ? "batch " + id + " has no output named '" + name + "'"
                        : "output '" + name + "' is not ready: its item is " + item.get().state()).send(ctx);
                return;
            }
            var file = b.outputs().file(id, name);
            if (file.isEmpty()) {
                ApiError.notFound("batch " + id + " has no output named '" + name + "'").send(ctx);
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, item.get().mime())
                    .putHeader("X-Tessera-Sha256", item.get().sha256())
                    .sendFile(file.get().toString())
                    .onFailure(err -> ApiError.notFound("output '" + name + "' of batch " + id
                            + " is recorded but its file is missing from the output folder").send(ctx));
        }).onFailure(err -> fail(ctx, err));
    }

    private static void cancel(RoutingContext ctx, ServerContext context) {
        Batches b = batches(context);
        String id = ctx.pathParam("id");
        b.store().cancel(id).onSuccess(result -> {
            if (result.isEmpty()) {
                ApiError.notFound("no batch " + id).send(ctx);
                return;
            }
            json(ctx, new JsonObject().put("cancelled", result.get().cancelled()).put("state", result.get().batch().state())
                    .put("items", result.get().items()).put("counts", result.get().batch().counts().toJson()));
        }).onFailure(err -> fail(ctx, err));
    }

    private static Future<BatchStatus> found(Future<java.util.Optional<BatchStatus>> lookup, String id) {
        return lookup.compose(b -> b.isPresent() ? Future.succeededFuture(b.get())
                : Future.failedFuture(new ApiException(ApiError.notFound("no batch " + id))));
    }

    /** The JSON of a batch without its items. */
    static JsonObject summary(BatchStatus b) {
        return new JsonObject().put("id", b.id()).put("name", b.name()).put("state", b.state())
                .put("items", b.counts().total()).put("counts", b.counts().toJson()).put("overall", b.overall())
                .put("cancelRequested", b.cancelRequested()).put("createdAt", b.createdAt()).put("updatedAt", b.updatedAt());
    }

    private static JsonObject item(ItemStatus i) {
        JsonObject json = new JsonObject().put("index", i.index()).put("id", i.id()).put("kind", i.kind())
                .put("model", i.model()).put("output", i.output()).put("state", i.state()).put("attempts", i.attempts());
        if (JobStore.SUCCEEDED.equals(i.state())) {
            json.put("bytes", i.bytes()).put("sha256", i.sha256()).put("mime", i.mime()).put("url", url(i));
        }
        if (i.errorCode() != null && !JobStore.SUCCEEDED.equals(i.state())) {
            json.put("error", new JsonObject().put("code", i.errorCode()).put("message", i.errorMessage()));
        }
        return json;
    }

    private static String url(ItemStatus i) {
        return PATH + "/" + i.batchId() + "/outputs/" + URLEncoder.encode(i.output(), StandardCharsets.UTF_8);
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }

    private static ApiException badField(String field, String message) {
        return new ApiException(ApiError.badInput(message)
                .withDetails(new JsonObject().put("fields", new JsonObject().put(field, message))));
    }

    private static void fail(RoutingContext ctx, Throwable err) {
        if (err instanceof ApiException api) {
            api.error().send(ctx);
        } else if (err instanceof JobStore.KeyConflict conflict) {
            ApiError.of(409, "conflict", conflict.getMessage())
                    .withDetails(new JsonObject().put("batch", conflict.batchId)).send(ctx);
        } else if (err instanceof JobFailure f) {
            BusErrors.toApiError(f).send(ctx);
        } else {
            ctx.fail(err);
        }
    }

}
