package dev.tessera.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the {@link ModelProvider}s on the class path and deploys their verticles the one right way. */
public final class ModelProviders {

    private ModelProviders() {
    }

    /** Every provider listed in a {@code META-INF/services/dev.tessera.core.bus.ModelProvider}, by name. */
    public static List<ModelProvider> discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    public static List<ModelProvider> discover(ClassLoader loader) {
        return ServiceLoader.load(ModelProvider.class, loader).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(ModelProvider::name))
                .toList();
    }

    /**
     * Deploys one model as a worker verticle with one instance (see {@link ModelVerticle#deploymentOptions}).
     * The codecs must be registered on {@code vertx} first.
     *
     * @return the deployment id, once the model is loaded and its consumers are registered
     */
    public static Future<String> deploy(Vertx vertx, ModelProvider provider, Path modelsDir, JsonObject config) {
        JsonObject cfg = config == null ? new JsonObject() : config;
        return vertx.deployVerticle(() -> provider.create(modelsDir, cfg), ModelVerticle.deploymentOptions(cfg));
    }
}
