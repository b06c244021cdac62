package dev.tessera.distill.serve;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import dev.tessera.distill.turbo.TurboExport;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The PeriodWave-Turbo students as a {@link ModelProvider}: installed when {@code <models>/vocoder-turbo/steps-N/}
 * holds a student; listed in distill's {@code META-INF/services/dev.tessera.core.bus.ModelProvider}.
 */
public final class VocoderTurboProvider implements ModelProvider {

    @Override
    public String name() {
        return TurboExport.MODEL;
    }

    @Override
    public String address() {
        return Addresses.DISTILL_AUDIO_VOCODE;
    }

    @Override
    public String description() {
        return "PeriodWave-Turbo students: 4-, 2- and 1-step vocoders distilled adversarially from the teacher";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        try {
            return !TurboStudents.installed(modelsDir.resolve(name())).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new DistilledVocoderVerticle(modelDir);
    }
}
