package dev.tessera.web.server;

import dev.tessera.core.bus.ModelProvider;
import dev.tessera.core.bus.ModelProviders;

import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.probe.ProbeProvider;
import dev.tessera.core.cluster.TesseraVertx;
import dev.tessera.core.engine.Engines;
import dev.tessera.web.jobs.BatchRunner;
import dev.tessera.web.jobs.Batches;
import dev.tessera.web.jobs.ItemRenderer;
import dev.tessera.web.jobs.JobStore;
import dev.tessera.web.jobs.JobStores;
import dev.tessera.web.jobs.OutputFiles;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tessera node: the Vert.x node, every installed model deployed as a worker verticle, and the
 * HTTP front end. {@code tessera serve} is a thin shell around it; tests start it in-process.
 *
 * <p>Start-up order: find the installed models ({@link ModelProvider}s from {@link ServiceLoader} whose
 * {@code isInstalled(modelsDir)} holds), start the tensor engine when there is at least one (a front-end
 * node without models never loads libtorch), start the node, deploy the models one after the other (each
 * loads with every intra-op thread), then the HTTP verticle, so {@code /ready} is answered only once every
 * model has reported. Any failure stops what was started and fails the returned future.
 */
public final class TesseraServer {

    /** Per-model settings ({@code maxBatch}, {@code maxQueue}, {@code lanes}, ...), next to its weights. */
    public static final String SERVING_CONFIG = "serving.json";

    private static final Logger LOG = LoggerFactory.getLogger(TesseraServer.class);

    private final TesseraVertx.Node node;
    private final ServerOptions options;
    private final List<String> modelDeployments = new ArrayList<>();
    private final Set<String> modelNames = new LinkedHashSet<>();
    private HttpVerticle http;
    private String httpDeployment;
    private JobStore store;
    private Batches batches;
    private String runnerDeployment;

    private TesseraServer(TesseraVertx.Node node, ServerOptions options) {
        this.node = node;
        this.options = options;
    }

    /**
     * Starts a server. Call it from a plain thread (main, a test), not an event loop: finding the models
     * reads the file system and the engine loads synchronously.
     */
    public static Future<TesseraServer> start(ServerOptions options) {
        List<ModelProvider> installed;
        try {
            installed = new ArrayList<>(installedProviders(options.modelsDir()));
            if (options.probe()) {
                installed.add(new ProbeProvider());
            }
            if (!installed.isEmpty()) {
                Engines.start();
            }
        } catch (RuntimeException | Error e) {
            return Future.failedFuture(e);
        }
        return TesseraVertx.start(options.node()).compose(node -> {
            TesseraServer server = new TesseraServer(node, options);
            return server.deploy(installed)
                    .map(server)
                    .recover(err -> server.stop().transform(ignored -> Future.failedFuture(err)));
        });
    }

    /** Every provider on the class path whose files are installed under {@code modelsDir}, in name order. */
    public static List<ModelProvider> installedProviders(Path modelsDir) {
        return allProviders().stream().filter(p -> p.isInstalled(modelsDir)).toList();
    }

    /** Every provider on the class path, installed or not, in name order, for {@code serve --help}. */
    public static List<ModelProvider> allProviders() {
        return ModelProviders.discover();
    }

    public TesseraVertx.Node node() {
        return node;
    }

    /** The HTTP port (the one chosen when started with port 0), or -1 on a node without HTTP. */
    public int port() {
        return http == null ? -1 : http.actualPort();
    }

    /** The URL of the front end, e.g. {@code http://127.0.0.1:8080}, or null without HTTP. */
    public String url() {
        return http == null ? null : "http://" + options.host() + ":" + port();
    }

    /** Names of the models deployed on this node. */
    public Set<String> models() {
        return Collections.unmodifiableSet(modelNames);
    }

    /**
     * Stops the front end first (no new requests), then the batch runner (its running items go back to the
     * queue) and the job store, then the models, newest first, then closes the node (leaving the cluster).
     * Safe to call twice.
     */
    public Future<Void> stop() {
        Future<Void> chain = Future.succeededFuture();
        if (httpDeployment != null) {
            String id = httpDeployment;
            httpDeployment = null;
            chain = chain.compose(v -> undeploy(id, "HTTP front end"));
        }
        if (runnerDeployment != null) {
            String id = runnerDeployment;
            runnerDeployment = null;
            chain = chain.compose(v -> undeploy(id, "batch runner"));
        }
        if (store != null) {
            JobStore open = store;
            store = null;
            chain = chain.compose(v -> open.close().recover(err -> {
                LOG.warn("closing the job store failed: {}", err.toString());
                return Future.succeededFuture();
            }));
        }
        List<String> models = new ArrayList<>(modelDeployments);
        Collections.reverse(models);
        modelDeployments.clear();
        for (String id : models) {
            chain = chain.compose(v -> undeploy(id, "model"));
        }
        return chain.eventually(node::close);
    }

    private Future<Void> undeploy(String deploymentId, String what) {
        if (!node.vertx().deploymentIDs().contains(deploymentId)) {
            return Future.succeededFuture();
        }
        return node.vertx().undeploy(deploymentId)
                .recover(err -> {
                    LOG.warn("stopping the {} failed: {}", what, err.toString());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> deploy(List<ModelProvider> installed) {
        if (installed.isEmpty()) {
            LOG.info("no installed models under {} (node {})", options.modelsDir().toAbsolutePath(), node.nodeId());
        }
        Future<Void> chain = Future.succeededFuture();
        for (ModelProvider provider : installed) {
            chain = chain.compose(v -> deployModel(provider));
        }
        if (options.batch() != null) {
            chain = chain.compose(v -> startBatches(options.batch()));
        }
        if (options.http()) {
            chain = chain.compose(v -> deployHttp());
        } else {
            chain = chain.onSuccess(v -> LOG.info("models-only node {} joined the cluster; no HTTP", node.nodeId()));
        }
        return chain;
    }

    private Future<Void> deployModel(ModelProvider provider) {
        Path modelDir = options.modelsDir().resolve(provider.name());
        Path configFile = modelDir.resolve(SERVING_CONFIG);
        long t0 = System.nanoTime();
        return readConfig(configFile)
                .compose(config -> ModelProviders.deploy(node.vertx(), provider, modelDir, config))
                .transform(ar -> {
                    if (ar.failed()) {
                        return Future.failedFuture(new IllegalStateException("model " + provider.name()
                                + " failed to start: " + ar.cause().getMessage(), ar.cause()));
                    }
                    modelDeployments.add(ar.result());
                    modelNames.add(provider.name());
                    LOG.info("model {} deployed in {} ms: address {}, files {}", provider.name(),
                            (System.nanoTime() - t0) / 1_000_000, provider.address(), modelDir.toAbsolutePath());
                    return Future.succeededFuture();
                });
    }

    /** Opens the job store, then deploys the runner, which first requeues what a stopped process left running. */
    private Future<Void> startBatches(ServerOptions.BatchOptions batch) {
        return JobStores.open(node.vertx(), batch.store()).compose(opened -> {
            store = opened;
            OutputFiles outputs = new OutputFiles(batch.outputs());
            BatchRunner runner = new BatchRunner(opened, outputs, new ItemRenderer(node.vertx(), batch.inputs()),
                    batch.runner(), BatchRunner.owner(node.nodeId()));
            batches = new Batches(opened, outputs, batch.inputs(), runner);
            return node.vertx().deployVerticle(runner);
        }).map(id -> {
            runnerDeployment = id;
            LOG.info("batch rendering: store {}, outputs {}, inputs {}", store.describe(), batches.outputs().root(),
                    batch.inputs() == null ? "inline only" : batch.inputs().toAbsolutePath());
            return null;
        });
    }

    /** The node's batch rendering, or null when it was started without a store. */
    public Batches batches() {
        return batches;
    }

    private Future<JsonObject> readConfig(Path file) {
        var fs = node.vertx().fileSystem();
        String path = file.toString();
        return fs.exists(path).compose(exists -> !exists
                ? Future.succeededFuture(new JsonObject())
                : fs.readFile(path).compose(buffer -> {
                    try {
                        return Future.succeededFuture(new JsonObject(buffer));
                    } catch (DecodeException | ClassCastException e) {
                        return Future.failedFuture(new IllegalArgumentException(file.toAbsolutePath()
                                + " is not a JSON object: " + e.getMessage()));
                    }
                }));
    }

    private Future<Void> deployHttp() {
        ServerContext context = new ServerContext(node.vertx(), node.nodeId(), new ModelRegistry(node.vertx()),
                node.registry(), options.modelsDir(), modelNames, BearerAuth.of(options.token()),
                options.protection(), batches);
        http = new HttpVerticle(options.host(), options.port(), context, HttpVerticle.discoverContributors());
        return node.vertx().deployVerticle(http)
                .transform(ar -> {
                    if (ar.failed()) {
                        http = null;
                        return Future.failedFuture(new IllegalStateException("cannot serve HTTP on "
                                + options.host() + ":" + options.port() + ": " + ar.cause().getMessage()
                                + (isBindFailure(ar.cause()) ? " (is another server using the port? choose another"
                                + " with --port)" : ""), ar.cause()));
                    }
                    httpDeployment = ar.result();
                    LOG.info("Tessera serving on {} (node {}, {} model(s){})", url(), node.nodeId(),
                            modelNames.size(), options.token() == null || options.token().isBlank() ? ""
                                    : ", token required for changes");
                    return Future.succeededFuture();
                });
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException
                    || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
