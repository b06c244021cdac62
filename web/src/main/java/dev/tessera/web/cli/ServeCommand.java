package dev.tessera.web.cli;

import dev.tessera.core.bus.ModelProvider;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.web.server.ClientAdmission;
import dev.tessera.web.server.HttpProtection;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import dev.tessera.web.jobs.BatchRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tessera serve}: runs a node until Ctrl-C or SIGTERM; the work is done by {@link TesseraServer}. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Run the server: models, studio, APIs, health and metrics.",
        description = {
            "Runs the Tessera server: deploys every model installed under --models (one worker verticle "
                    + "each, settings from <models>/<name>/serving.json), then serves the studio, the APIs, "
                    + "/health, /ready and /metrics over HTTP. Logs one line per model and the URL.",
            "With --cluster the node joins a Hazelcast cluster, so a front end on one node reaches models "
                    + "on every node; --no-http makes a models-only node.",
            "Stops cleanly (front end, then models, then the cluster) on Ctrl-C or SIGTERM."},
        footer = {"", "Examples:",
            "  tessera serve --port 9090 --models models",
            "  tessera serve --host 0.0.0.0 --cluster --cluster-host 10.0.0.1 \\",
            "      --cluster-members 10.0.0.1:5701,10.0.0.2:5701",
            "  tessera serve --no-http --cluster --cluster-host 10.0.0.2 \\",
            "      --cluster-members 10.0.0.1:5701,10.0.0.2:5701",
            "  TESSERA_TOKEN=s3cret tessera serve --host 0.0.0.0",
            "  tessera serve --cors-origin https://studio.example:8443 --max-calls-per-client 16"})
final class ServeCommand implements Callable<Integer>, DynamicHelp {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final long STOP_TIMEOUT_SECONDS = 30;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the HTTP server listens on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "HTTP port; 0 picks a free one (the log says which). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
            description = "Folder with one sub-folder per installed model (weights, config, serving.json). "
                    + "Default: ${DEFAULT-VALUE}.")
    Path models;

    @Option(names = "--cluster",
            description = "Join a Hazelcast cluster (TCP join on --cluster-members, never multicast).")
    boolean cluster;

    @Option(names = "--cluster-host", defaultValue = "127.0.0.1", paramLabel = "H",
            description = "Address this node binds and advertises to the cluster (Hazelcast and the event bus). "
                    + "Default: ${DEFAULT-VALUE}.")
    String clusterHost;

    @Option(names = "--cluster-port", defaultValue = "5701", paramLabel = "PORT",
            description = "First Hazelcast port to try; the next free one is taken when it is in use. "
                    + "Default: ${DEFAULT-VALUE}.")
    int clusterPort;

    @Option(names = {"--cluster-members", "--members"}, split = ",", paramLabel = "HOST:PORT",
            description = "Comma-separated cluster members to join, e.g. 10.0.0.1:5701,10.0.0.2:5701. "
                    + "Default: --cluster-host alone.")
    List<String> members = new ArrayList<>();

    @Option(names = "--no-http",
            description = "Serve no HTTP: a models-only node, reached through another node's front end. Needs --cluster.")
    boolean noHttp;

    @Option(names = "--token", defaultValue = "${env:TESSERA_TOKEN}", showDefaultValue = Visibility.NEVER,
            paramLabel = "T",
            description = "Require 'Authorization: Bearer T' on every POST, PUT, PATCH and DELETE and on /ws; "
                    + "health, readiness and metrics stay open. Default: the TESSERA_TOKEN environment variable "
                    + "(better than the option, which other users can see in the process list).")
    String token;

    @Option(names = "--probe",
            description = "Also serve the diagnostic probe model (a small MLP on tessera.probe.infer) to check the "
                    + "event bus, batching and metrics end to end without any installed model.")
    boolean probe;

    @Option(names = "--cors-origin", split = ",", paramLabel = "ORIGIN",
            description = "Allow pages served from ORIGIN (e.g. https://studio.example:8443; repeat or separate "
                    + "with commas) to call the server from a browser (CORS). Default: none, no CORS headers.")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--max-calls-per-client", defaultValue = "" + ClientAdmission.DEFAULT_MAX_CALLS, paramLabel = "N",
            description = "Concurrent /api/ calls one remote address may have in progress; one more is answered "
                    + "429 with Retry-After. 0 = no limit (e.g. behind a proxy that limits). Default: ${DEFAULT-VALUE}.")
    int maxCallsPerClient;

    @Option(names = "--store", defaultValue = "sqlite:jobs/jobs.db", paramLabel = "URL",
            description = "Job store of batch rendering: sqlite:PATH (one server per file) or "
                    + "postgres://user:password@host:port/database (shared by a cluster). Default: ${DEFAULT-VALUE}.")
    String store;

    @Option(names = "--outputs", defaultValue = "jobs/outputs", paramLabel = "DIR",
            description = "Where batch outputs are written, one folder per batch. Default: ${DEFAULT-VALUE}.")
    Path outputs;

    @Option(names = "--inputs", paramLabel = "DIR",
            description = "Folder that audio batch items may name files in (params.input); without it, audio "
                    + "inputs must be inline (params.wav or params.npy, base64).")
    Path inputs;

    @Option(names = "--batch-inflight", defaultValue = "2", paramLabel = "N",
            description = "Batch items in flight per model, so interactive requests wait behind at most N. "
                    + "Default: ${DEFAULT-VALUE}.")
    int batchInflight;

    @Option(names = "--batch-lease-ms", defaultValue = "30000", paramLabel = "MS",
            description = "Lease of a running batch item; renewed every MS/6, requeued when it expires (another "
                    + "node died holding it). Default: ${DEFAULT-VALUE}.")
    long leaseMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TesseraServer server = TesseraServer.start(serverOptions()).await();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping ...");
            try {
                server.stop().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("stopped");
            } catch (TimeoutException e) {
                LOG.warn("did not stop within {} s; exiting anyway", STOP_TIMEOUT_SECONDS);
            } catch (RuntimeException e) {
                LOG.warn("stopping failed: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }, "tessera-shutdown"));
        stopped.await();
        return 0;
    }

    /** The options, checked: every usage mistake is reported before anything starts. */
    ServerOptions serverOptions() {
        var parsed = spec.commandLine().getParseResult();
        checkPort("--port", port, true);
        checkPort("--cluster-port", clusterPort, false);
        if (!cluster) {
            for (String clusterOnly : List.of("--cluster-host", "--cluster-port", "--cluster-members")) {
                if (parsed.hasMatchedOption(clusterOnly)) {
                    throw new ParameterException(spec.commandLine(), clusterOnly + " only applies with --cluster");
                }
            }
        }
        if (noHttp && !cluster) {
            throw new ParameterException(spec.commandLine(),
                    "--no-http makes a models-only node, which needs --cluster (otherwise nothing can reach its models)");
        }
        if (maxCallsPerClient < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--max-calls-per-client must be 0 (no limit) or more, got " + maxCallsPerClient);
        }
        HttpProtection protection;
        try {
            protection = new HttpProtection(maxCallsPerClient, corsOrigins);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--cors-origin: " + e.getMessage());
        }
        NodeOptions node = cluster ? NodeOptions.cluster(clusterHost, clusterPort, members) : NodeOptions.local();
        if (batchInflight < 1 || batchInflight > 64) {
            throw new ParameterException(spec.commandLine(), "--batch-inflight must be 1-64, got " + batchInflight);
        }
        if (leaseMs < 1_000) {
            throw new ParameterException(spec.commandLine(), "--batch-lease-ms must be at least 1000, got " + leaseMs);
        }
        if (inputs != null && !Files.isDirectory(inputs)) {
            throw new ParameterException(spec.commandLine(), "--inputs " + inputs + " is not a folder");
        }
        // Batches need the HTTP front end; a models-only node opens no store.
        ServerOptions.BatchOptions batch = noHttp ? null : new ServerOptions.BatchOptions(store, outputs, inputs,
                new BatchRunner.Settings(leaseMs, leaseMs / 6, batchInflight, BatchRunner.Settings.DEFAULT.pollMs()));
        return new ServerOptions(host, port, models, node, !noHttp, token, probe, protection, batch);
    }

    private void checkPort(String option, int value, boolean zeroAllowed) {
        if (value < (zeroAllowed ? 0 : 1) || value > 65_535) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be " + (zeroAllowed ? "0" : "1") + "-65535, got " + value);
        }
    }

    @Override
    public String dynamicHelp() {
        List<ModelProvider> providers = TesseraServer.allProviders();
        StringBuilder sb = new StringBuilder("%nModels this build can serve (installed when <models>/<name>/ exists):%n");
        if (providers.isEmpty()) {
            sb.append("  (none yet)%n");
        }
        for (ModelProvider p : providers) {
            sb.append(String.format("  %-14s %s%n", p.name(), p.description()).replace("%", "%%"));
        }
        return String.format(sb.toString());
    }
}
