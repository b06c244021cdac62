package dev.tessera.web.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;

/** Routes the server tests use, contributed through the same {@link RouteContributor} SPI as real ones. */
public final class TestRoutes implements RouteContributor {

    static final long BIG_LIMIT = 4L << 20;
    static final String SLOW_PATH = "/api/test/slow";

    @Override
    public void addRoutes(Router router, ServerContext context) {
        router.post("/test/echo").handler(ctx -> ctx.json(new JsonObject().put("bytes", ctx.body().length())));
        router.post("/test/big").handler(ctx -> ctx.json(new JsonObject().put("bytes", ctx.body().length())));
        router.get("/test/boom").handler(ctx -> {
            throw new IllegalStateException("boom: a handler bug");
        });
        // A REST call that holds its slot for ?ms= milliseconds without blocking the event loop.
        router.get(SLOW_PATH).handler(ctx -> context.vertx().setTimer(
                Long.parseLong(ctx.queryParams().get("ms")), id -> ctx.json(new JsonObject().put("slept", true))));
        router.get("/test/teapot").handler(ctx -> ctx.fail(new ApiException(
                ApiError.of(418, "teapot", "short and stout").withRetryAfter(3))));
    }

    @Override
    public Map<String, Long> bodyLimits() {
        return Map.of("/test/big", BIG_LIMIT);
    }
}
