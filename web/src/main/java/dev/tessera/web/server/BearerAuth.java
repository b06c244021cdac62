package dev.tessera.web.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The optional shared token ({@code tessera serve --token}, or {@code TESSERA_TOKEN}). When set, every
 * request that changes something (POST, PUT, PATCH, DELETE) and every {@code /ws} connection must carry
 * {@code Authorization: Bearer <token>}; reads (health, readiness, metrics, results) stay open.
 *
 * <p>Browsers cannot set headers on a websocket, so {@code /ws} also accepts the token as the
 * {@code access_token} query parameter (RFC 6750, section 2.3).
 */
public final class BearerAuth {

    private static final Set<HttpMethod> MUTATING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final String WS_PATH = "/ws";

    private final byte[] token;

    private BearerAuth(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** A guard for {@code token}; none (everything open) when it is null or blank. */
    public static BearerAuth of(String token) {
        return new BearerAuth(token == null || token.isBlank() ? null : token.strip());
    }

    public boolean enabled() {
        return token != null;
    }

    /** Whether {@code request} needs the token: it mutates something, or it opens the studio socket. */
    public static boolean guards(HttpServerRequest request) {
        return MUTATING.contains(request.method()) || isWebSocketPath(request.path());
    }

    /** Whether {@code request} may pass: no token is configured, or it carries the right one. */
    public boolean accepts(HttpServerRequest request) {
        if (token == null) {
            return true;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return matches(header.substring(7).strip());
        }
        if (isWebSocketPath(request.path())) {
            String query = request.getParam("access_token");
            return query != null && matches(query);
        }
        return false;
    }

    /**
     * Whether a websocket handshake may pass: no token is configured, or it carries the right one in
     * {@code Authorization} or, since browsers cannot set headers on a websocket, as {@code access_token} in
     * the query.
     */
    public boolean acceptsWebSocket(MultiMap headers, String query) {
        if (token == null) {
            return true;
        }
        String header = headers.get(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return matches(header.substring(7).strip());
        }
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("access_token=")) {
                    return matches(java.net.URLDecoder.decode(pair.substring(13), StandardCharsets.UTF_8));
                }
            }
        }
        return false;
    }

    /** Route handler: answers 401 to a guarded request without the token, else continues. */
    public void handle(RoutingContext ctx) {
        if (token != null && guards(ctx.request()) && !accepts(ctx.request())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tessera\"");
            ApiError.unauthorized(ctx.request().method() + " " + ctx.request().path()
                    + " needs 'Authorization: Bearer <token>' (the token the server was started with)").send(ctx);
            return;
        }
        ctx.next();
    }

    private boolean matches(String candidate) {
        // constant time, so the token cannot be guessed byte by byte from response times
        return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isWebSocketPath(String path) {
        return WS_PATH.equals(path) || (path != null && path.startsWith(WS_PATH + "/"));
    }
}
