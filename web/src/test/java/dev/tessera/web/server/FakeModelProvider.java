package dev.tessera.web.server;

import dev.tessera.core.bus.ModelProvider;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model provider for the server tests: installed when {@code <models>/fake-probe/} exists. */
public final class FakeModelProvider implements ModelProvider {

    public static final String NAME = "fake-probe";
    public static final String ADDRESS = "tessera.test.fake-probe";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String address() {
        return ADDRESS;
    }

    @Override
    public String description() {
        return "test model that answers with its settings";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        return Files.isDirectory(modelsDir.resolve(NAME));
    }

    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new FakeModelVerticle(modelDir, config);
    }
}
