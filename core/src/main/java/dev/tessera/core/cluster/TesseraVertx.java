package dev.tessera.core.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.tessera.core.bus.Codecs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Builds the Vert.x instance of a Tessera node: metrics into a Prometheus registry of its own, our
 * message codecs registered before anything is deployed, and, when asked, the Hazelcast cluster with
 * TCP join on the given members (the bundled Hazelcast default uses multicast, which we never want).
 */
public final class TesseraVertx {

    private static final Map<Vertx, Node> NODES = new WeakHashMap<>();

    /** A started node: its Vert.x, the registry its metrics go to, and a stable id for logs and /ready. */
    public record Node(Vertx vertx, PrometheusMeterRegistry registry, String nodeId, boolean clustered) {
        public Future<Void> close() {
            synchronized (NODES) {
                NODES.remove(vertx);
            }
            return vertx.close();
        }
    }

    private TesseraVertx() {
    }

    public static Future<Node> start(NodeOptions options) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VertxOptions vertxOptions = new VertxOptions()
                .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
        var builder = Vertx.builder().with(vertxOptions).withMetrics(new MicrometerMetricsFactory(registry));
        String nodeId;
        Future<Vertx> started;
        if (options.clustered()) {
            vertxOptions.setEventBusOptions(new EventBusOptions()
                    .setHost(options.host()).setPort(options.busPort())
                    .setClusterPublicHost(options.host()));
            HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(options));
            started = builder.with(vertxOptions).withClusterManager(manager).buildClustered();
            nodeId = null;
        } else {
            started = Future.succeededFuture(builder.build());
            nodeId = "local-" + UUID.randomUUID().toString().substring(0, 8);
        }
        return started.map(vertx -> {
            Codecs.registerAll(vertx);
            String id = options.clustered()
                    ? ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().getNodeId() : nodeId;
            Node node = new Node(vertx, registry, id, options.clustered());
            synchronized (NODES) {
                NODES.put(vertx, node);
            }
            return node;
        });
    }

    /** The Hazelcast configuration for TCP join on loopback or a LAN, with a short heartbeat. */
    static Config hazelcastConfig(NodeOptions options) {
        Config hz = ConfigUtil.loadConfig();
        hz.setClusterName(options.clusterName());
        hz.getNetworkConfig().setPort(options.hazelcastPort()).setPortAutoIncrement(true);
        hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(options.host());
        JoinConfig join = hz.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(options.members().isEmpty()
                ? java.util.List.of(options.host()) : options.members());
        hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(options.heartbeatSeconds()));
        hz.setProperty("hazelcast.shutdownhook.enabled", "false");
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.setProperty("hazelcast.local.localAddress", options.host());
        return hz;
    }

    /**
     * The meter registry of a node started here; a plain in-memory registry for a Vert.x made elsewhere
     * (a test's injected instance), so model verticles can always record metrics.
     */
    public static MeterRegistry meters(Vertx vertx) {
        synchronized (NODES) {
            Node node = NODES.get(vertx);
            if (node != null) {
                return node.registry();
            }
        }
        return FALLBACK.computeIfAbsent(vertx, v -> new SimpleMeterRegistry());
    }

    /** Node id of a Vert.x started here, else a name derived from the instance. */
    public static String nodeId(Vertx vertx) {
        synchronized (NODES) {
            Node node = NODES.get(vertx);
            return node != null ? node.nodeId() : "vertx-" + Integer.toHexString(System.identityHashCode(vertx));
        }
    }

    private static final Map<Vertx, MeterRegistry> FALLBACK =
            java.util.Collections.synchronizedMap(new WeakHashMap<>());
}
