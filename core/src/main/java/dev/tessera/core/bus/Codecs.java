package dev.tessera.core.bus;

import io.vertx.core.Vertx;

/** Registers Tessera's message codecs; called on every node before any verticle is deployed. */
public final class Codecs {

    private Codecs() {
    }

    public static void registerAll(Vertx vertx) {
        // TesseraPayloadCodec is registered here (issue 2, event-bus part).
    }
}
