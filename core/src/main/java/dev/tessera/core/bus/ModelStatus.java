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
 * @param schema the model's request parameters as a {@link ParamsSchema} (empty when the model declares
 *     none, e.g. a model only other verticles call); travels with the status so that a front end on another
 *     node can build forms and validate requests without the model's classes
 */
public record ModelStatus(String name, String address, ModelState state, String version, String node,
                          int queue, int lanes, String message, long updatedAtMillis, JsonObject schema) {

    public ModelStatus {
        schema = schema == null ? new JsonObject() : schema;
    }

    /** A status without a parameter schema. */
    public ModelStatus(String name, String address, ModelState state, String version, String node,
                       int queue, int lanes, String message, long updatedAtMillis) {
        this(name, address, state, version, node, queue, lanes, message, updatedAtMillis, null);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name).put("address", address).put("state", state.wireName())
                .put("version", version).put("node", node).put("queue", queue).put("lanes", lanes)
                .put("message", message).put("updatedAt", updatedAtMillis).put("schema", schema);
    }

    public static ModelStatus fromJson(JsonObject j) {
        return new ModelStatus(j.getString("name"), j.getString("address"), ModelState.fromWire(j.getString("state")),
                j.getString("version", ""), j.getString("node", ""), j.getInteger("queue", 0),
                j.getInteger("lanes", 1), j.getString("message", ""), j.getLong("updatedAt", 0L),
                j.getJsonObject("schema"));
    }
}
