package dev.tessera.web.server;

import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.web.jobs.BatchRunner;
import java.nio.file.Path;

/**
 * How {@link TesseraServer} starts.
 *
 * @param host HTTP address to bind
 * @param port HTTP port; 0 picks a free one
 * @param modelsDir folder with one sub-folder per installed model ({@code models/vocoder/}, ...)
 * @param node local or clustered Vert.x
 * @param http serve HTTP; false makes a models-only node that another node's front end reaches over a cluster
 * @param token bearer token for mutating requests and {@code /ws}; null or blank for none
 * @param probe also deploy the diagnostic probe model ({@code tessera.probe.infer}), which needs no files
 * @param protection per-client admission and CORS ({@link HttpProtection#DEFAULTS}: 8 calls, CORS off)
 * @param batch the job store and folders of batch rendering; null for a node without them
 */
public record ServerOptions(String host, int port, Path modelsDir, NodeOptions node, boolean http, String token,
                            boolean probe, HttpProtection protection, BatchOptions batch) {

    /**
     * Batch rendering on this node.
     *
     * @param store the job store's URL: {@code sqlite:PATH} or {@code postgres://user:password@host:port/db}
     * @param outputs where outputs are written, one folder per batch
     * @param inputs where audio items' {@code input} paths are read from; null accepts inline inputs only
     * @param runner leases, heartbeats and items in flight per model
     */
    public record BatchOptions(String store, Path outputs, Path inputs, BatchRunner.Settings runner) {
    }

    public ServerOptions(String host, int port, Path modelsDir, NodeOptions node, boolean http, String token) {
        this(host, port, modelsDir, node, http, token, false);
    }

    public ServerOptions(String host, int port, Path modelsDir, NodeOptions node, boolean http, String token,
                         boolean probe) {
        this(host, port, modelsDir, node, http, token, probe, HttpProtection.DEFAULTS, null);
    }

    public ServerOptions {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (protection == null) {
            protection = HttpProtection.DEFAULTS;
        }
        if (!http && !node.clustered()) {
            throw new IllegalArgumentException("a node without HTTP must join a cluster, or nothing can reach its models");
        }
    }

    /** A local node on 127.0.0.1, HTTP on {@code port}, no token. */
    public static ServerOptions local(int port, Path modelsDir) {
        return new ServerOptions("127.0.0.1", port, modelsDir, NodeOptions.local(), true, null);
    }

    public ServerOptions withToken(String newToken) {
        return new ServerOptions(host, port, modelsDir, node, http, newToken, probe, protection, batch);
    }

    public ServerOptions withProbe(boolean withProbe) {
        return new ServerOptions(host, port, modelsDir, node, http, token, withProbe, protection, batch);
    }

    public ServerOptions withProtection(HttpProtection newProtection) {
        return new ServerOptions(host, port, modelsDir, node, http, token, probe, newProtection, batch);
    }

    public ServerOptions withBatch(BatchOptions newBatch) {
        return new ServerOptions(host, port, modelsDir, node, http, token, probe, protection, newBatch);
    }
}
