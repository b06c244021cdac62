package dev.tessera.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Comparator;
import java.util.List;

/**
 * Which models are deployed where. Each model verticle refreshes its entry every
 * {@link #REFRESH_MILLIS}; an entry older than {@link #STALE_MILLIS} counts as absent (its node died).
 * On a clustered Vert.x the map is Hazelcast's, so {@code /ready} on any node sees every node's models.
 */
public final class ModelRegistry {

    public static final long REFRESH_MILLIS = 5_000;
    public static final long STALE_MILLIS = 15_000;

    private final Vertx vertx;

    public ModelRegistry(Vertx vertx) {
        this.vertx = vertx;
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return vertx.sharedData().getAsyncMap(Addresses.MODELS_MAP);
    }

    public Future<Void> publish(ModelStatus status) {
        return map().compose(m -> m.put(status.name() + "@" + status.node(), status.toJson()));
    }

    public Future<Void> remove(String name, String node) {
        return map().compose(m -> m.remove(name + "@" + node)).mapEmpty();
    }

    /**
     * Where a request that names model {@code name} goes: the address of that model's verticle, so that a
     * front end routes by the request's {@code model} (several models may share a family, e.g. the image AR
     * model on {@code tessera.image.generate} and its distilled student on
     * {@code tessera.distill.image.generate}). Fails with {@code bad_input} on {@code model}, listing the
     * deployed models, when none of that name reported within {@link #STALE_MILLIS}.
     */
    public Future<String> addressOf(String name) {
        return list().compose(all -> {
            for (ModelStatus s : all) {
                if (s.name().equals(name)) {
                    return Future.succeededFuture(s.address());
                }
            }
            return Future.failedFuture(JobFailure.badInput("model", "no model named '" + name + "' is deployed; models: "
                    + all.stream().map(ModelStatus::name).distinct().toList()));
        });
    }

    /** Every model that reported within {@link #STALE_MILLIS}, sorted by name then node. */
    public Future<List<ModelStatus>> list() {
        long now = System.currentTimeMillis();
        return map().compose(AsyncMap::values).map(values -> values.stream()
                .map(ModelStatus::fromJson)
                .filter(s -> now - s.updatedAtMillis() <= STALE_MILLIS)
                .sorted(Comparator.comparing(ModelStatus::name).thenComparing(ModelStatus::node))
                .toList());
    }
}
