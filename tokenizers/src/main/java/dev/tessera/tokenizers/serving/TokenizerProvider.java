package dev.tessera.tokenizers.serving;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The tokenizers as a {@link ModelProvider} ({@code META-INF/services}): installed when {@code models/tokenizers/}
 * holds at least one {@code NAME.json} tokenizer file; then {@code tessera serve} deploys a
 * {@link TokenizerVerticle} over that folder.
 */
public final class TokenizerProvider implements ModelProvider {

    public static final String NAME = "tokenizers";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String address() {
        return Addresses.TOKENIZERS_ENCODE;
    }

    @Override
    public String description() {
        return "BPE and Unigram tokenizers (text, code, music) from models/tokenizers/*.json: encode, decode, "
                + "train on tessera.tokenizers.*";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        try {
            return !TokenizerStore.tokenizerFiles(modelsDir.resolve(NAME)).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelsDir.resolve(NAME), e);
        }
    }

    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new TokenizerVerticle(modelDir);
    }
}
