package dev.tessera.audio.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.HarmonicTone;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.TrainableParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A real, untrained PeriodWave of a narrow shape, and generated audio, for fast tests. */
final class TinyCheckpoint {

    static final String NAME = "tiny";

    private TinyCheckpoint() {
    }

    /** Every part of the tiny build, narrower; periods 1, 2 and 3 keep the folding honest and the run short. */
    static VocoderConfig config() {
        return VocoderConfig.fromJson(new JsonObject()
                .put("periods", new JsonArray(List.of(1, 2, 3)))
                .put("channels", new JsonArray(List.of(4, 8, 8, 16)))
                .put("encoderChannels", 16).put("encoderBlocks", 2).put("encoderInner", 32)
                .put("timeEmbedding", 16).put("periodEmbedding", 8).put("mlpHidden", 32).put("condition", 16)
                .put("energyMin", 0.03).put("energyMax", 5.0));
    }

    static PeriodWave model(NDManager manager, long seed) {
        Engines.start();
        Seeds.seedAll(seed);
        return new PeriodWave(config()).initialize(manager);
    }

    /** Writes {@code dir/tiny.safetensors} (+ .json) with weights drawn from {@code seed}, as VocoderExport lays it out. */
    static Path write(Path dir, long seed) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = model(m, seed);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            new TrainableParameters(model).all().forEach(e -> weights.put(e.name(), e.array()));
            Checkpoint.save(dir, NAME, weights, model.config().toJson(), Map.of());
        }
        return Checkpoint.tensorsFile(dir, NAME);
    }

    /** A harmonic tone at f0 with harmonics 1..4 and a short fade in and out, amplitude about 0.3. */
    static float[] tone(double f0, int samples) {
        return HarmonicTone.steady(f0, samples, VocodeLimits.SAMPLE_RATE);
    }

    /** A (80, frames) log-mel of seeded values around a speech-like level. */
    static float[] mel(int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] m = new float[VocodeLimits.N_MELS * frames];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (-6 + 2 * r.nextGaussian());
        }
        return m;
    }
}
