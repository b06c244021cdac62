package dev.tessera.core.probe;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The probe as a {@link ModelProvider}. Deliberately not listed in {@code META-INF/services}: the probe is
 * deployed explicitly (tests, benchmarks, {@code tessera serve --probe}), never discovered.
 */
public final class ProbeProvider implements ModelProvider {

    @Override
    public String name() {
        return ProbeVerticle.NAME;
    }

    @Override
    public String address() {
        return Addresses.PROBE_INFER;
    }

    @Override
    public String description() {
        return "diagnostic 64-256-64 MLP that exercises the model-verticle path (batching, progress, cancel)";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        return true; // its weights come from a seed
    }

    @Override
    public Deployable create(Path modelsDir, JsonObject config) {
        return new ProbeVerticle();
    }
}
