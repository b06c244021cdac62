package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.CorpusMix;
import dev.tessera.audio.data.SpeechCorpus;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code VocoderTrainMain --music DIR}: speech and music sampled 1:1 (audio spec 2.6), on generated tones. */
class VocoderMusicMixTest {

    @Test
    void musicIsOffByDefaultAndNeedsAnEvenBatch() {
        assertNull(VocoderTrainMain.parse(new String[] {"--steps", "3"}).music());
        VocoderTrainMain.Args a = VocoderTrainMain.parse(new String[] {"--music", "data/music", "--batch", "4"});
        assertEquals(Path.of("data/music"), a.music());
        assertEquals(4, a.batch());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> VocoderTrainMain.parse(new String[] {"--batch", "7", "--music", "data/music"}));
        assertTrue(odd.getMessage().contains("--batch must be even") && odd.getMessage().contains("got 7"),
                odd.getMessage());
        assertEquals(7, VocoderTrainMain.parse(new String[] {"--batch", "7"}).batch(), "speech alone takes any batch");
    }

    @Test
    void aMixedTaskRejectsAnOddBatchAndTrainsAndValidatesOnBoth() {
        SpeechCorpus speech = TinyVocoders.tones(3, 1);
        SpeechCorpus music = TinyVocoders.tones(3, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(1, 2), m, 3);
            CorpusMix mix = new CorpusMix(speech, music);
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> new VocoderTrainingTask(
                    model, mix, null, new VocoderTrainingTask.Options(3, 2048, 0, 2048, 0)));
            assertTrue(odd.getMessage().contains("even") && odd.getMessage().contains("got 3"), odd.getMessage());

            SpeechCorpus validation = CorpusMix.interleave(TinyVocoders.tones(2, 3), TinyVocoders.tones(2, 4));
            try (VocoderTrainingTask task = new VocoderTrainingTask(model, mix, validation,
                    new VocoderTrainingTask.Options(2, 2048, 2, 2048, 0))) {
                try (NDManager step = m.newSubManager()) {
                    float loss = task.loss(step, new SplittableRandom(5), 0).total().getFloat();
                    assertTrue(Float.isFinite(loss) && loss > 0, "fm loss " + loss);
                }
                try (NDManager v = m.newSubManager()) {
                    Map<String, Double> scores = task.validate(v, 0);
                    assertTrue(Double.isFinite(scores.get("fm")) && scores.get("fm") > 0, scores.toString());
                }
            }
        }
    }
}
