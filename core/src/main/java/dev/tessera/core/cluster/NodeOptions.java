package dev.tessera.core.cluster;

import java.util.List;

/**
 * How a Tessera node joins (or does not join) a cluster.
 *
 * @param clustered start a clustered Vert.x with the Hazelcast cluster manager
 * @param host address this node binds and advertises for Hazelcast and the event bus, e.g. 127.0.0.1
 * @param hazelcastPort first Hazelcast member port to try (it auto-increments when taken)
 * @param busPort event-bus TCP port; 0 picks a free one
 * @param members Hazelcast members to join by TCP ({@code host} or {@code host:port}); no multicast
 * @param heartbeatSeconds Hazelcast {@code max.no.heartbeat.seconds}: how soon a dead node is dropped
 * @param clusterName Hazelcast cluster name; members with another name never join, which keeps tests that
 *     run at the same time on one machine (and separate deployments on one network) apart
 */
public record NodeOptions(boolean clustered, String host, int hazelcastPort, int busPort, List<String> members,
                          int heartbeatSeconds, String clusterName) {

    public static final String DEFAULT_CLUSTER_NAME = "tessera";

    public NodeOptions {
        members = List.copyOf(members);
        if (clusterName == null || clusterName.isBlank()) {
            clusterName = DEFAULT_CLUSTER_NAME;
        }
        if (heartbeatSeconds < 1) {
            throw new IllegalArgumentException("heartbeatSeconds must be >= 1, got " + heartbeatSeconds);
        }
    }

    /** Options in the default cluster, {@value #DEFAULT_CLUSTER_NAME}. */
    public NodeOptions(boolean clustered, String host, int hazelcastPort, int busPort, List<String> members,
                       int heartbeatSeconds) {
        this(clustered, host, hazelcastPort, busPort, members, heartbeatSeconds, DEFAULT_CLUSTER_NAME);
    }

    public static NodeOptions local() {
        return new NodeOptions(false, "127.0.0.1", 5701, 0, List.of(), 30);
    }

    public static NodeOptions cluster(String host, int hazelcastPort, List<String> members) {
        return new NodeOptions(true, host, hazelcastPort, 0, members, 30);
    }

    public NodeOptions withHeartbeatSeconds(int seconds) {
        return new NodeOptions(clustered, host, hazelcastPort, busPort, members, seconds, clusterName);
    }

    public NodeOptions withClusterName(String name) {
        return new NodeOptions(clustered, host, hazelcastPort, busPort, members, heartbeatSeconds, name);
    }
}
