package dev.tessera.distill.dd;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import dev.tessera.image.serve.ImageGenerator;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The distilled image student as a {@link ModelProvider}: installed when {@code <models>/image-dd/model.safetensors}
 * and the LFQ tokenizer in {@code <models>/image-tokenizer} exist; listed in distill's
 * {@code META-INF/services/dev.tessera.core.bus.ModelProvider}.
 */
public final class DistilledImageProvider implements ModelProvider {

    @Override
    public String name() {
        return DistilledImageVerticle.NAME;
    }

    @Override
    public String address() {
        return Addresses.DISTILL_IMAGE_GENERATE;
    }

    @Override
    public String description() {
        return "class-conditional 32x32 images in 1 or 2 passes from the distilled-decoding student of the AR model";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        return DdImageGenerator.isInstalled(modelsDir);
    }

    /** @param modelDir {@code <models>/image-dd}; the tokenizer is its sibling {@code image-tokenizer} */
    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new DistilledImageVerticle(modelDir, modelDir.resolveSibling(ImageGenerator.TOKENIZER_DIR));
    }
}
