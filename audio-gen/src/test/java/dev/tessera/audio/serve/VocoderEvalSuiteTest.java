package dev.tessera.audio.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera eval vocoder} on a two-clip corpus laid out as scripts/data/speech.sh writes it. */
class VocoderEvalSuiteTest {

    @Test
    void scoresEachStepCountAndGriffinLimOnTheSameClips(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("speech");
        Files.createDirectories(data.resolve("wav/test"));
        StringBuilder manifest = new StringBuilder("id\tpath\tvoice\tpitch\trate\tsentence\ttext\n");
        double[] pitches = {120, 200};
        for (int i = 0; i < pitches.length; i++) {
            String id = "test-000" + i + "-0";
            Files.write(data.resolve("wav/test/" + id + ".wav"),
                    WavWriter.write(TinyCheckpoint.tone(pitches[i], 8192), 22_050, WavEncoding.PCM_16));
            manifest.append(id).append("\twav/test/").append(id).append(".wav\ttone\t50\t175\t").append(i)
                    .append("\ta tone\n");
        }
        Files.writeString(data.resolve("test.tsv"), manifest);
        Path models = dir.resolve("models");
        TinyCheckpoint.write(models.resolve("vocoder"), 41);

        EvalSuite suite = ServiceLoader.load(EvalSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("vocoder")).findFirst().orElseThrow();
        BenchReport report = suite.run(new EvalOptions(data, models, false, Map.of("steps", "1,2", "sampler", "euler")));
        List<Map<String, Object>> rows = report.rows();
        assertEquals(3, rows.size(), report.toTable());
        assertEquals(List.of(1, 2), rows.subList(0, 2).stream().map(r -> r.get("steps")).toList());
        assertEquals("griffin-lim (32 iterations)", rows.get(2).get("system"));
        for (Map<String, Object> r : rows) {
            assertEquals(2, r.get("clips"));
            double mstft = (Double) r.get("mstft");
            assertTrue(mstft > 0 && Double.isFinite(mstft), report.toTable());
        }
        // Griffin-Lim keeps the pitch of a clean tone; an untrained vocoder does not reproduce the clip.
        assertTrue((Double) rows.get(2).get("mstft") < (Double) rows.get(0).get("mstft"), report.toTable());

        assertThrows(IllegalArgumentException.class, () -> suite.run(new EvalOptions(data, models, false,
                Map.of("steps", "0"))));
    }
}
