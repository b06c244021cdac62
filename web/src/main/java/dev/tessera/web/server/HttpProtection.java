package dev.tessera.web.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the HTTP front end protects itself beyond the token (docs/protection.md): the per-client share of
 * REST calls ({@link ClientAdmission}) and which browser origins may call it across origins (CORS).
 *
 * @param maxCallsPerClient concurrent {@code /api/} calls per remote address (spec 3.1: 8); 0 = no limit
 * @param corsOrigins origins such as {@code https://studio.example:8443} allowed to call from a page
 *     served elsewhere; empty = CORS off (no {@code Access-Control-*} headers, a preflight is 404/405)
 */
public record HttpProtection(int maxCallsPerClient, List<String> corsOrigins) {

    /** The defaults: 8 calls per address, CORS off. */
    public static final HttpProtection DEFAULTS = new HttpProtection(ClientAdmission.DEFAULT_MAX_CALLS, List.of());

    /** Request headers a cross-origin page may send. */
    static final Set<String> CORS_REQUEST_HEADERS = Set.of("Authorization", "Content-Type", "Accept",
            RequestIds.HEADER, "X-Tessera-Timeout-Ms", "Idempotency-Key", "Prefer");
    /** Response headers a cross-origin page may read. */
    static final Set<String> CORS_EXPOSED_HEADERS = Set.of(RequestIds.HEADER, "Retry-After", "X-Tessera-Job-Id",
            "X-Tessera-Queue-Ms", "X-Tessera-Compute-Ms", "X-Tessera-Seed", "Location");

    public HttpProtection {
        if (maxCallsPerClient < 0) {
            throw new IllegalArgumentException("the calls per client must be 0 (no limit) or more, got "
                    + maxCallsPerClient);
        }
        corsOrigins = List.copyOf(corsOrigins);
        for (String origin : corsOrigins) {
            requireOrigin(origin);
        }
    }

    public HttpProtection withMaxCallsPerClient(int calls) {
        return new HttpProtection(calls, corsOrigins);
    }

    public HttpProtection withCorsOrigins(List<String> origins) {
        return new HttpProtection(maxCallsPerClient, origins);
    }

    /** The CORS handler for the configured origins, or null when CORS is off. */
    CorsHandler corsHandler() {
        if (corsOrigins.isEmpty()) {
            return null;
        }
        return CorsHandler.create()
                .addOrigins(corsOrigins)
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                        HttpMethod.DELETE, HttpMethod.OPTIONS))
                .allowedHeaders(CORS_REQUEST_HEADERS)
                .exposedHeaders(CORS_EXPOSED_HEADERS)
                .maxAgeSeconds(600);
    }

    /**
     * An origin is {@code scheme://host[:port]} exactly as a browser sends it: no path, no trailing slash,
     * no wildcard (a wildcard would let any site on the internet drive the server with a user's token).
     */
    static void requireOrigin(String origin) {
        String why = null;
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                why = "the scheme must be http or https";
            } else if (uri.getHost() == null || origin.contains("*")) {
                why = "it needs a host and no wildcard";
            } else if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null) {
                why = "an origin has no path (not even '/') and no query";
            }
        } catch (java.net.URISyntaxException e) {
            why = e.getMessage();
        }
        if (why != null) {
            throw new IllegalArgumentException("CORS origin '" + origin + "' is not an origin like "
                    + "https://studio.example:8443: " + why);
        }
    }
}
