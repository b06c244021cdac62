package dev.tessera.tokenizers.serving;

import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.tokenizers.serving.TokenizerEndpoint.Operation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the tokenizers of one folder on {@code tessera.tokenizers.encode}, {@code .decode} and {@code .train}:
 * loads the folder into a {@link TokenizerStore}, then deploys one {@link TokenizerEndpoint} per address, each a
 * model verticle with its own queue (encode and decode batch, training runs one job at a time). Undeploying it
 * undeploys them. The serving config applies to all three; its objects {@code encode}, {@code decode} and
 * {@code train} override keys for one of them, e.g. {@code {"train": {"maxQueue": 2}}}.
 */
public final class TokenizerVerticle extends VerticleBase {

    private final Path dir;
    private final List<String> endpoints = new ArrayList<>();
    private TokenizerStore store;

    /** @param dir the folder of {@code NAME.json} files, {@code models/tokenizers/} */
    public TokenizerVerticle(Path dir) {
        this.dir = dir;
    }

    /** The tokenizers served (after start). */
    public TokenizerStore store() {
        return store;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> TokenizerStore.load(dir)).compose(loaded -> {
            store = loaded;
            Future<Void> chain = Future.succeededFuture();
            for (Operation op : Operation.values()) {
                chain = chain.compose(v -> deploy(op));
            }
            return chain;
        });
    }

    private Future<Void> deploy(Operation op) {
        JsonObject config = config().copy();
        JsonObject own = config().getJsonObject(op.key());
        for (Operation o : Operation.values()) {
            config.remove(o.key());
        }
        if (own != null) {
            config.mergeIn(own);
        }
        return vertx.deployVerticle(new TokenizerEndpoint(op, store), ModelVerticle.deploymentOptions(config))
                .map(id -> {
                    endpoints.add(id);
                    return null;
                });
    }

    @Override
    public Future<?> stop() {
        Future<Void> chain = Future.succeededFuture();
        for (int i = endpoints.size() - 1; i >= 0; i--) {
            String id = endpoints.get(i);
            chain = chain.compose(v -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id)
                    : Future.<Void>succeededFuture());
        }
        return chain;
    }
}
