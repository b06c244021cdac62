package dev.tessera.core.bus;

import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A model module's entry point, found with {@link java.util.ServiceLoader}: each module lists its
 * providers in {@code META-INF/services/dev.tessera.core.bus.ModelProvider}, and {@code tessera serve}
 * deploys every provider whose files are installed. Nothing in core or web names a concrete model.
 */
public interface ModelProvider {

    /** Stable model name used in requests and {@code /ready}, e.g. {@code vocoder}. */
    String name();

    /** The event-bus address the model consumes. */
    String address();

    /** One line for {@code tessera serve --help} and the studio. */
    String description();

    /** Whether this model's weights and config are present under {@code modelsDir}. */
    boolean isInstalled(Path modelsDir);

    /**
     * A new verticle for this model, deployed as a worker with one instance.
     *
     * @param modelsDir folder that holds the model's files (e.g. {@code models/vocoder/})
     * @param config the model's settings ({@code maxBatch}, {@code maxDelayMs}, {@code maxQueue}, {@code lanes})
     */
    Deployable create(Path modelsDir, JsonObject config);
}
