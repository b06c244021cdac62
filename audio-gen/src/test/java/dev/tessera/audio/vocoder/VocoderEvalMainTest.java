package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.train.TrainableParameters;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation command on a corpus folder laid out as scripts/data/speech.sh writes it. */
class VocoderEvalMainTest {

    @Test
    void scoresAModelAndGriffinLimOnAManifestAndWritesJson(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("speech");
        Files.createDirectories(data.resolve("wav/test"));
        StringBuilder manifest = new StringBuilder("id\tpath\tvoice\tpitch\trate\tsentence\ttext\n");
        double[] pitches = {110, 220};
        for (int i = 0; i < pitches.length; i++) {
            String id = "test-000" + i + "-0";
            Files.write(data.resolve("wav/test/" + id + ".wav"),
                    WavWriter.write(TinyVocoders.tone(pitches[i], 11_025, 22_050), 22_050, WavEncoding.PCM_16));
            manifest.append(id).append("\twav/test/").append(id).append(".wav\ttone\t50\t175\t").append(i)
                    .append("\ta tone\n");
        }
        Files.writeString(data.resolve("test.tsv"), manifest);
        SpeechCorpus corpus = SpeechCorpus.load(data, "test", 0);
        assertEquals(2, corpus.size());
        assertEquals(List.of("tone"), corpus.voices());
        assertEquals(11_025, corpus.get(1).length());

        try (NDManager m = NDManager.newBaseManager()) {
            VocoderConfig config = TinyVocoders.config(1, 2);
            PeriodWave model = TinyVocoders.model(config, m, 3);
            Map<String, ai.djl.ndarray.NDArray> weights = new java.util.LinkedHashMap<>();
            new TrainableParameters(model).all().forEach(e -> weights.put(e.name(), e.array()));
            Checkpoint.save(dir.resolve("model"), "tiny", weights, config.toJson(), Map.of());
        }
        Path json = dir.resolve("eval.json");
        VocoderEvalMain.main(new String[] {"--model", dir.resolve("model").toString(), "--name", "tiny", "--data",
            data.toString(), "--clips", "2", "--steps", "1", "--sampler", "euler", "--json", json.toString(), "--wavs",
            dir.resolve("wavs").toString()});
        JsonObject result = new JsonObject(Files.readString(json));
        assertEquals(2, result.getInteger("utterances"));
        JsonObject gl = result.getJsonObject("systems").getJsonObject("griffin-lim (32 iterations)");
        assertTrue(gl.getDouble("mstft") > 0 && gl.getDouble("mstft") < 2, gl.encode());
        assertTrue(gl.getDouble("f0_rmse_cents") < 50, gl.encode());   // Griffin-Lim keeps the pitch of a clean tone
        assertEquals(2, gl.getInteger("clips"));
        assertTrue(Files.exists(dir.resolve("wavs/test-0001-0.tiny.wav")));
    }
}
