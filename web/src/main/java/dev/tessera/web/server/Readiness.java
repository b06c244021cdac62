package dev.tessera.web.server;

import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The answer of {@code /ready} and {@code /ready/{model}} (serving spec 3.5), computed from the model
 * registry's entries: ready when every model is {@code ready}, else not.
 *
 * <p>A model may run on several nodes of a cluster; requests reach whichever instance consumes its
 * address, so a model counts as ready when one instance is, and its entry shows that instance. A model
 * this node deployed that has no entry (it never reported, or stopped refreshing) counts as failed.
 */
public final class Readiness {

    public static final String READY = "READY";
    public static final String NOT_READY = "NOT_READY";

    /** Which instance represents a model: ready first, then loading, draining, failed. */
    private static final Comparator<ModelStatus> PREFERRED = Comparator
            .comparingInt((ModelStatus s) -> switch (s.state()) {
                case READY -> 0;
                case LOADING -> 1;
                case DRAINING -> 2;
                case FAILED -> 3;
            })
            .thenComparing(ModelStatus::node);

    /**
     * @param ready whether every model is ready (HTTP 200) or not (503)
     * @param body {@code {status, node, models:{name:{state, version, node, queue, lanes}}}}, or for one
     *     model {@code {status, node, model, state, version, ...}}
     */
    public record Report(boolean ready, JsonObject body) {
        public int httpStatus() {
            return ready ? 200 : 503;
        }
    }

    private Readiness() {
    }

    /** The whole node's report: every model in {@code statuses} plus the ones this node deployed. */
    public static Report of(String node, List<ModelStatus> statuses, Set<String> localModels) {
        Map<String, List<ModelStatus>> byName = group(statuses);
        JsonObject models = new JsonObject();
        boolean ready = true;
        for (String name : allNames(byName, localModels)) {
            JsonObject entry = entry(name, byName.get(name), node);
            ready &= entry.getString("state").equals(ModelState.READY.wireName());
            models.put(name, entry);
        }
        return new Report(ready, new JsonObject().put("status", ready ? READY : NOT_READY).put("node", node)
                .put("models", models));
    }

    /**
     * The node's report with its job store (serving spec 3.5): {@code store} is added to the body, and a
     * store whose state is not {@code ready} makes the node not ready. A null entry (no store) changes nothing.
     */
    public static Report withStore(Report report, JsonObject store) {
        if (store == null) {
            return report;
        }
        boolean ready = report.ready() && "ready".equals(store.getString("state"));
        JsonObject body = report.body().copy().put("status", ready ? READY : NOT_READY).put("store", store);
        return new Report(ready, body);
    }

    /** One model's report, or empty when no node runs a model of that name. */
    public static Optional<Report> ofModel(String node, String model, List<ModelStatus> statuses,
                                           Set<String> localModels) {
        List<ModelStatus> instances = group(statuses).get(model);
        if (instances == null && !localModels.contains(model)) {
            return Optional.empty();
        }
        JsonObject entry = entry(model, instances, node);
        boolean ready = entry.getString("state").equals(ModelState.READY.wireName());
        JsonObject body = new JsonObject().put("status", ready ? READY : NOT_READY).put("node", node)
                .put("model", model);
        entry.forEach(e -> body.put(e.getKey(), e.getValue()));
        return Optional.of(new Report(ready, body));
    }

    /** Names of every model any node reports, sorted, for "unknown model" messages. */
    public static List<String> names(List<ModelStatus> statuses, Set<String> localModels) {
        return allNames(group(statuses), localModels);
    }

    private static Map<String, List<ModelStatus>> group(List<ModelStatus> statuses) {
        return statuses.stream().collect(Collectors.groupingBy(ModelStatus::name, LinkedHashMap::new,
                Collectors.toList()));
    }

    private static List<String> allNames(Map<String, List<ModelStatus>> byName, Set<String> localModels) {
        return Stream.concat(byName.keySet().stream(), localModels.stream())
                .distinct().sorted().toList();
    }

    private static JsonObject entry(String name, List<ModelStatus> instances, String node) {
        if (instances == null || instances.isEmpty()) {
            return new JsonObject().put("state", ModelState.FAILED.wireName()).put("version", "")
                    .put("node", node).put("queue", 0).put("lanes", 0)
                    .put("message", "model " + name + " was deployed on this node but has reported no status "
                            + "for the last 15 s; see this node's log");
        }
        ModelStatus best = instances.stream().min(PREFERRED).orElseThrow();
        JsonObject entry = new JsonObject().put("state", best.state().wireName()).put("version", best.version())
                .put("node", best.node()).put("queue", best.queue()).put("lanes", best.lanes());
        if (best.message() != null && !best.message().isEmpty()) {
            entry.put("message", best.message());
        }
        if (instances.size() > 1) {
            entry.put("instances", instances.size());
        }
        return entry;
    }
}
