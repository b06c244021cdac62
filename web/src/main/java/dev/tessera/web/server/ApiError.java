package dev.tessera.web.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error as every HTTP route answers it (serving spec 3.1): status, a stable {@code code} a client can
 * switch on, a {@code message} a person can act on, and optionally {@code retryAfterSeconds} (also sent
 * as {@code Retry-After}) and {@code details}. The body always carries the request's id.
 *
 * <p>A handler either {@link #send}s one, or fails the routing context with an {@link ApiException};
 * the server's failure handler turns any other failure into {@code 500 internal}.
 */
public record ApiError(int status, String code, String message, Integer retryAfterSeconds, JsonObject details) {

    public static ApiError of(int status, String code, String message) {
        return new ApiError(status, code, message, null, null);
    }

    public static ApiError badInput(String message) {
        return of(400, "bad_input", message);
    }

    /** A 400 that names its field in {@code details.fields} (serving spec 3.1). */
    public static ApiError badInput(String field, String message) {
        return badInput(message).withDetails(new JsonObject().put("fields", new JsonObject().put(field, message)));
    }

    public static ApiError unauthorized(String message) {
        return of(401, "unauthorized", message);
    }

    public static ApiError notFound(String message) {
        return of(404, "not_found", message);
    }

    public static ApiError tooLarge(String message) {
        return of(413, "too_large", message);
    }

    /** The message names only the log id, so nothing internal leaks to the client. */
    public static ApiError internal(String logId) {
        return of(500, "internal", "internal error; the server log has the details under id " + logId);
    }

    /**
     * The error for a status the router or a Vert.x handler produced without an {@link ApiException}
     * (no route, wrong method, body over the limit, ...).
     */
    public static ApiError forStatus(int status, String method, String path) {
        return switch (status) {
            case 400 -> badInput("the request is malformed");
            case 401 -> unauthorized("this request needs 'Authorization: Bearer <token>'");
            case 403 -> of(403, "forbidden", method + " " + path + " is refused for this origin (CORS: the server"
                    + " allows only the origins given with --cors-origin)");
            case 404 -> notFound("no route for " + method + " " + path);
            case 405 -> of(405, "method_not_allowed", method + " is not allowed on " + path);
            case 413 -> tooLarge("the request body is over the limit for " + path);
            case 415 -> of(415, "unsupported_media_type", "the content type is not accepted by " + path);
            default -> of(status, status >= 500 ? "internal" : "bad_request", "request failed with HTTP " + status);
        };
    }

    public ApiError withDetails(JsonObject newDetails) {
        return new ApiError(status, code, message, retryAfterSeconds, newDetails);
    }

    public ApiError withRetryAfter(int seconds) {
        return new ApiError(status, code, message, seconds, details);
    }

    public JsonObject toJson(String requestId) {
        JsonObject json = new JsonObject().put("code", code).put("message", message);
        if (retryAfterSeconds != null) {
            json.put("retryAfterSeconds", retryAfterSeconds);
        }
        if (details != null) {
            json.put("details", details);
        }
        return json.put("requestId", requestId);
    }

    /** Ends the response with this error, unless it has already been sent or the client has gone. */
    public void send(RoutingContext ctx) {
        var response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // A streamed reply already started: the status cannot change, so cut it short instead.
            response.reset();
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (retryAfterSeconds != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        }
        response.end(toJson(RequestIds.of(ctx)).encode());
    }
}
