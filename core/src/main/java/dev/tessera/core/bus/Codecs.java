package dev.tessera.core.bus;

import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Registers Tessera's message codecs; called on every node before any verticle is deployed
 * ({@code TesseraVertx.start} does it; a test's own Vert.x calls it in its set-up).
 */
public final class Codecs {

    private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private Codecs() {
    }

    /** Registers {@link TesseraPayloadCodec} as the default codec of {@link TesseraPayload}; idempotent. */
    public static void registerAll(Vertx vertx) {
        synchronized (REGISTERED) {
            if (REGISTERED.add(vertx)) {
                vertx.eventBus().registerDefaultCodec(TesseraPayload.class, new TesseraPayloadCodec());
            }
        }
    }

    /** Whether {@link #registerAll} ran for this Vert.x; model verticles refuse to start otherwise. */
    public static boolean isRegistered(Vertx vertx) {
        return REGISTERED.contains(vertx);
    }
}
