package dev.tessera.distill.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.distill.turbo.TurboExport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera eval distill-vocoder} on a two-clip corpus: a tiny teacher, and two student folders (as the
 * CQT ablation compares them) holding real, untrained networks.
 */
class TurboEvalSuiteTest {

    @Test
    void scoresTheTeacherEveryStudentAndGriffinLimOnTheSameClips(@TempDir Path dir) throws Exception {
        Path data = speech(dir.resolve("speech"), 120, 210);
        Path models = dir.resolve("models");
        write(models.resolve("vocoder"), "tiny", 3);
        Path cqt = dir.resolve("runs/cqt");
        Path stft = dir.resolve("runs/stft");
        write(TurboExport.studentDir(cqt, 2), TurboExport.NAME, 4);
        write(TurboExport.studentDir(cqt, 1), TurboExport.NAME, 5);
        write(TurboExport.studentDir(stft, 2), TurboExport.NAME, 6);

        EvalSuite suite = ServiceLoader.load(EvalSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("distill-vocoder")).findFirst().orElseThrow();
        BenchReport report = suite.run(new EvalOptions(data, models, false,
                Map.of("teacher-steps", "2", "students", cqt + "," + stft)));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(List.of("teacher tiny (midpoint)", "vocoder-turbo cqt (Euler)", "vocoder-turbo cqt (Euler)",
                "vocoder-turbo stft (Euler)", "griffin-lim (32 iterations)"),
                rows.stream().map(r -> r.get("system")).toList(), report.toTable());
        assertEquals(List.of(4, 2, 1, 2), rows.subList(0, 4).stream().map(r -> r.get("nfe")).toList());
        for (Map<String, Object> r : rows) {
            assertEquals(2, r.get("clips"));
            double mstft = (Double) r.get("mstft");
            double rtf = (Double) r.get("rtf");
            assertTrue(mstft > 0 && Double.isFinite(mstft) && rtf > 0, report.toTable());
        }
        assertEquals(1.0, (Double) rows.get(0).get("speedup"), 1e-12);
        // Untrained networks do not reproduce a tone; Griffin-Lim from its mel does.
        assertTrue((Double) rows.get(4).get("mstft") < (Double) rows.get(0).get("mstft"), report.toTable());
        // One goal line per 2-step student and per 1-step student.
        assertEquals(2, report.notes().stream().filter(n -> n.startsWith("goal (2-step")).count(), report.toTable());
        assertEquals(1, report.notes().stream().filter(n -> n.startsWith("goal (1-step")).count(), report.toTable());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> suite.run(
                new EvalOptions(data, models, false, Map.of("students", dir.resolve("nowhere").toString()))));
        assertTrue(missing.getMessage().contains("no vocoder-turbo student"), missing.getMessage());
    }

    /** A test split of two 8,192-sample harmonic tones laid out as scripts/data/speech.sh writes a corpus. */
    static Path speech(Path data, double... pitches) throws Exception {
        Files.createDirectories(data.resolve("wav/test"));
        StringBuilder manifest = new StringBuilder("id\tpath\tvoice\tpitch\trate\tsentence\ttext\n");
        for (int i = 0; i < pitches.length; i++) {
            String id = "test-000" + i + "-0";
            float[] tone = new float[8192];
            for (int n = 0; n < tone.length; n++) {
                double s = 0;
                for (int h = 1; h <= 4; h++) {
                    s += Math.sin(2 * Math.PI * pitches[i] * h * n / 22_050) / h;
                }
                tone[n] = (float) (0.3 * Math.min(1, n / 300.0) * Math.min(1, (tone.length - n) / 300.0) * s);
            }
            Files.write(data.resolve("wav/test/" + id + ".wav"), WavWriter.write(tone, 22_050, WavEncoding.PCM_16));
            manifest.append(id).append("\twav/test/").append(id).append(".wav\ttone\t50\t175\t").append(i)
                    .append("\ta tone\n");
        }
        Files.writeString(data.resolve("test.tsv"), manifest);
        return data;
    }

    /** A real, untrained narrow PeriodWave (periods 1, 2) saved as {@code dir/name.safetensors}. */
    static void write(Path dir, String name, long seed) throws Exception {
        VocoderConfig config = VocoderConfig.fromJson(new JsonObject()
                .put("periods", new JsonArray(List.of(1, 2)))
                .put("channels", new JsonArray(List.of(4, 8, 8, 16)))
                .put("encoderChannels", 16).put("encoderBlocks", 2).put("encoderInner", 32)
                .put("timeEmbedding", 16).put("periodEmbedding", 8).put("mlpHidden", 32).put("condition", 16)
                .put("energyMin", 0.03).put("energyMax", 5.0));
        Engines.start();
        Seeds.seedAll(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = new PeriodWave(config).initialize(m);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            new TrainableParameters(model).all().forEach(e -> weights.put(e.name(), e.array()));
            Checkpoint.save(dir, name, weights, config.toJson(), Map.of());
        }
    }
}
