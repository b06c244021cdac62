package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.core.train.TrainConfig;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.core.train.Trainer;
import dev.tessera.core.train.TrainingResult;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few flow-matching steps on harmonic tones, through the project's trainer, then export and reload. */
class VocoderTrainingTest {

    @Test
    void aFewStepsOnHarmonicTonesReduceTheHeldOutLossAndTheExportReloads(@TempDir Path dir) throws Exception {
        VocoderConfig base = TinyVocoders.config(1, 2, 3);
        SpeechCorpus train = TinyVocoders.tones(12, 1);
        SpeechCorpus held = TinyVocoders.tones(4, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            double[] range = VocoderTrainingTask.energyRange(train, m);
            assertTrue(range[0] > 0 && range[1] > range[0], range[0] + " " + range[1]);
            VocoderConfig config = base.withEnergy(range[0], range[1]);
            PeriodWave model = TinyVocoders.model(config, m, 3);
            VocoderTrainingTask.Options options = new VocoderTrainingTask.Options(4, 2048, 4, 4096, 0);
            TrainConfig trainConfig = TrainConfig.fromJson(new JsonObject().put("steps", 40).put("learningRate", 3e-3)
                    .put("minLearningRate", 3e-3).put("warmupSteps", 0).put("weightDecay", 0.01).put("beta2", 0.999)
                    .put("clipGradNorm", 0).put("emaDecay", 0.9).put("checkpointEvery", 0).put("seed", 5));
            try (VocoderTrainingTask task = new VocoderTrainingTask(model, train, held, options);
                 Trainer trainer = new Trainer(trainConfig, task, dir.resolve("run"))) {
                int weightArrays = m.getManagedArrays().size();
                double before;
                try (NDManager v = m.newSubManager()) {
                    before = task.validate(v, 0).get("fm");
                }
                TrainingResult result = trainer.fit();
                assertEquals(40, result.step());
                double after;
                try (NDManager v = m.newSubManager()) {
                    after = task.validate(v, 40).get("fm");
                }
                assertTrue(after < 0.7 * before, "held-out fm loss " + before + " -> " + after);
                // Steps left nothing behind in the weights' manager (the trainer's state lives in its own).
                assertEquals(weightArrays, m.getManagedArrays().size());

                // Validation with the EMA weights restores the live ones afterwards.
                Map<String, NDArray> live = new TrainableParameters(model).copies(m);
                task.useEma(trainer.ema()::weights);
                try (NDManager v = m.newSubManager()) {
                    double ema = task.validate(v, 40).get("fm");
                    assertTrue(Double.isFinite(ema));
                }
                live.forEach((k, a) -> assertEquals(0f, new TrainableParameters(model).get(k).array().sub(a).abs().max()
                        .getFloat(), k));

                // Export the EMA weights as a servable checkpoint and load them back.
                Files.writeString(dir.resolve("run").resolve(VocoderExport.RUN_CONFIG), config.toJson().encode());
                Path file = VocoderExport.export(dir.resolve("run"), OptionalLong.empty(), dir.resolve("models"), "tiny");
                assertTrue(Files.size(file) < VocoderExport.MAX_BYTES);
                try (NDManager served = NDManager.newBaseManager()) {
                    PeriodWave loaded = PeriodWave.load(dir.resolve("models"), "tiny", served);
                    assertEquals(config, loaded.config());
                    Map<String, NDArray> ema = trainer.ema().weights();
                    TrainableParameters lp = new TrainableParameters(loaded);
                    ema.forEach((k, a) -> assertArrayEquals(a.toFloatArray(), lp.get(k).array().toFloatArray(), k));
                }
            }
        }
    }

    @Test
    void vocodingIsReproducibleAndZeroPastEachLength() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(1, 2), m, 3);
            Vocoder vocoder = new Vocoder(model);
            float[] tone = TinyVocoders.tone(150, 4096, 22_050);
            NDArray audio = m.create(tone, new Shape(1, tone.length));
            NDArray mel = MelSpectrogram.hifiGan().logMel(audio);                                  // (1, 80, 16)
            NDArray mels = mel.concat(mel, 0);
            int[] frames = {16, 9};
            Vocoder.Sampling sampling = new Vocoder.Sampling(new MidpointSampler(), 2, 0.667, 11, FreeU.TEACHER);
            float[] a = vocoder.vocode(mels, frames, sampling).toFloatArray();
            float[] b = vocoder.vocode(mels, frames, sampling).toFloatArray();
            assertArrayEquals(a, b);
            assertEquals(2 * 4096, a.length);
            for (int i = 9 * 256; i < 4096; i++) {
                assertEquals(0f, a[4096 + i], 0f);
            }
            float[] other = vocoder.vocode(mels, frames, new Vocoder.Sampling(new MidpointSampler(), 2, 0.667, 12,
                    FreeU.TEACHER)).toFloatArray();
            assertTrue(Math.abs(other[100] - a[100]) > 0, "another seed gives other noise");
        }
    }
}
