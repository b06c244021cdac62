package dev.tessera.web.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.distill.turbo.TurboExport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A real, untrained, narrow PeriodWave checkpoint in a models folder (as the teacher or as a Turbo student), and
 * inputs for the vocoder API.
 */
public final class TinyVocoderModel {

    private TinyVocoderModel() {
    }

    /** Writes {@code <models>/vocoder/tiny.safetensors} (+ .json) with weights drawn from {@code seed}. */
    public static void write(Path models, long seed) throws IOException {
        save(models.resolve("vocoder"), "tiny", seed);
    }

    /**
     * Writes an untrained network of the same shape as the {@code steps}-step Turbo student,
     * {@code <models>/vocoder-turbo/steps-N/periodwave-turbo.safetensors} (+ .json), as {@code TurboExport} lays it out.
     */
    public static void writeStudent(Path models, int steps, long seed) throws IOException {
        save(TurboExport.studentDir(models.resolve(TurboExport.MODEL), steps), TurboExport.NAME, seed);
    }

    private static void save(Path dir, String name, long seed) throws IOException {
        VocoderConfig config = VocoderConfig.fromJson(new JsonObject()
                .put("periods", new JsonArray(List.of(1, 2, 3)))
                .put("channels", new JsonArray(List.of(4, 8, 8, 16)))
                .put("encoderChannels", 16).put("encoderBlocks", 2).put("encoderInner", 32)
                .put("timeEmbedding", 16).put("periodEmbedding", 8).put("mlpHidden", 32).put("condition", 16)
                .put("energyMin", 0.03).put("energyMax", 5.0));
        Engines.start();
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(seed);
            PeriodWave model = new PeriodWave(config).initialize(m);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            new TrainableParameters(model).all().forEach(e -> weights.put(e.name(), e.array()));
            Checkpoint.save(dir, name, weights, config.toJson(), Map.of());
        }
    }

    /** A tone at f0 with three harmonics, amplitude about 0.3. */
    public static float[] tone(double f0, int samples, int rate) {
        float[] x = new float[samples];
        for (int n = 0; n < samples; n++) {
            double s = 0;
            for (int h = 1; h <= 3; h++) {
                s += Math.sin(2 * Math.PI * f0 * h * n / rate) / h;
            }
            x[n] = (float) (0.3 * s);
        }
        return x;
    }

    /** A (80, frames) log-mel of seeded values around a speech-like level, row-major. */
    public static float[] mel(int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] m = new float[80 * frames];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (-6 + 2 * r.nextGaussian());
        }
        return m;
    }

    /** The bytes numpy.save writes for a C-order float32 array (format 1.0, header padded to 64 bytes). */
    public static byte[] npy(float[] values, long... shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        return npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }", values);
    }

    /** An .npy file with the given header dict (padded as NumPy pads it) and data. */
    static byte[] npy(String dict, float[] values) {
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
