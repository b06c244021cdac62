package dev.tessera.audio.serve;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelProvider;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The vocoder as a {@link ModelProvider}: installed when {@code <models>/vocoder/} holds a
 * {@code *.safetensors} checkpoint (as {@code VocoderExport} writes it); listed in audio-gen's
 * {@code META-INF/services/dev.tessera.core.bus.ModelProvider}.
 */
public final class VocoderModelProvider implements ModelProvider {

    @Override
    public String name() {
        return VocoderVerticle.NAME;
    }

    @Override
    public String address() {
        return Addresses.AUDIO_VOCODE;
    }

    @Override
    public String description() {
        return "PeriodWave flow-matching vocoder: 80-bin log-mel or 22,050 Hz PCM to audio (Griffin-Lim baseline too)";
    }

    @Override
    public boolean isInstalled(Path modelsDir) {
        try {
            return !MelVocoder.checkpoints(modelsDir.resolve(name())).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Deployable create(Path modelDir, JsonObject config) {
        return new VocoderVerticle(modelDir);
    }
}
