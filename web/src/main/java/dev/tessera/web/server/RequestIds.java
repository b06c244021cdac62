package dev.tessera.web.server;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id, echoed in the {@code X-Request-Id} response header and in every error
 * body. A well-formed id sent by the client (or a proxy in front) is kept, so logs on both sides match.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";

    private static final String KEY = "tessera.requestId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** Route handler: assigns the id and sets the response header, then continues. */
    public static void assign(RoutingContext ctx) {
        String sent = ctx.request().getHeader(HEADER);
        String id = sent != null && ACCEPTED.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    /** The request's id; a fresh one if {@link #assign} has not run (a request rejected before routing). */
    public static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        if (id == null) {
            id = UUID.randomUUID().toString();
            ctx.put(KEY, id);
            if (!ctx.response().headWritten()) {
                ctx.response().putHeader(HEADER, id);
            }
        }
        return id;
    }
}
