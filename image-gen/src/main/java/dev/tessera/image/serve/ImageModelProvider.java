package dev.tessera.image.serve;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The image AR model as a {@link ModelProvider}: installed when {@code <models>/image-ar/image-ar.safetensors}
 * and {@code <models>/image-tokenizer/lfq-tokenizer.safetensors} exist; listed in image-gen's
 * {@code META-INF/services/dev.tessera.core.bus.ModelProvider}.
 */
public final class ImageModelProvider implements ModelProvider {

    @Override
    public String name() {
        return ImageVerticle.NAME;
    }

    @Override
    public String address() {
        return Addresses.IMAGE_GENERATE;
    }

    @Override
    public String description() {
        return "class-conditional 32x32 images from the factorized AR transformer and the LFQ tokenizer "
                + "(KV cache, CFG, top-k/top-p, previews)";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        return ImageGenerator.isInstalled(modelsDir);
    }

    /** @param modelDir {@code <models>/image-ar}; the tokenizer is its sibling {@code image-tokenizer} */
    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new ImageVerticle(modelDir, modelDir.resolveSibling(ImageGenerator.TOKENIZER_DIR));
    }
}
