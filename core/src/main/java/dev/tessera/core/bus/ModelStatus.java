package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * What a model verticle reports about itself in the {@link Addresses#MODELS_MAP} map.
 *
 * @param name model name, e.g. {@code vocoder}
 * @param address the event-bus address it consumes
 * @param state its life-cycle state
 * @param version model version (checkpoint id or semantic version)
 * @param node id of the Vert.x node that hosts it
 * @param queue requests waiting now
 * @param lanes forward passes that may run at once
 * @param message why it failed, when it failed; else empty
 * @param updatedAtMillis wall-clock time of this report on the reporting node
 */
public record ModelStatus(String name, String address, ModelState state, String version, String node,
                          int queue, int lanes, String message, long updatedAtMillis) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name).put("address", address).put("state", state.wireName())
                .put("version", version).put("node", node).put("queue", queue).put("lanes", lanes)
                .put("message", message).put("updatedAt", updatedAtMillis);
    }

    public static ModelStatus fromJson(JsonObject j) {
        return new ModelStatus(j.getString("name"), j.getString("address"), ModelState.fromWire(j.getString("state")),
                j.getString("version", ""), j.getString("node", ""), j.getInteger("queue", 0),
                j.getInteger("lanes", 1), j.getString("message", ""), j.getLong("updatedAt", 0L));
    }
}
