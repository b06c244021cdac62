package dev.tessera.audio.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.vocoder.EulerSampler;
import dev.tessera.audio.vocoder.FreeU;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.Vocoder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served vocoder against the library's Vocoder, in batches, and loading from a folder. */
class MelVocoderTest {

    @Test
    void oneItemAtOffsetZeroIsExactlyWhatVocoderGives() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyCheckpoint.model(m, 11);
            int frames = 20;
            float[] mel = TinyCheckpoint.mel(frames, 3);
            float[] expected = new Vocoder(model).vocode(m.create(mel, new Shape(1, 80, frames)), new int[] {frames},
                    new Vocoder.Sampling(new MidpointSampler(), 3, VocodeSettings.TEMPERATURE, 42, FreeU.OFF))
                    .toFloatArray();
            try (MelVocoder served = MelVocoder.of(model, "tiny")) {
                int[] reported = {0};
                float[] got = served.vocode(List.of(new MelVocoder.Item(mel, frames, 42, 0)), new MidpointSampler(), 3,
                        (step, steps) -> reported[0]++).get(0);
                assertEquals(frames * 256, got.length);
                assertArrayEquals(expected, got, 0f);
                assertEquals(3, reported[0]);
            }
        }
    }

    @Test
    void batchedItemsWithTheirOwnSeedsMatchTheirSoloRuns() {
        try (NDManager m = NDManager.newBaseManager(); MelVocoder v = MelVocoder.of(TinyCheckpoint.model(m, 12), "tiny")) {
            List<MelVocoder.Item> items = List.of(
                    new MelVocoder.Item(TinyCheckpoint.mel(30, 1), 30, 5, 0),
                    new MelVocoder.Item(TinyCheckpoint.mel(11, 2), 11, 6, 0),
                    new MelVocoder.Item(TinyCheckpoint.mel(47, 3), 47, 7, 0));
            List<float[]> together = v.vocode(items, new EulerSampler(), 2, StepListener.NONE);
            for (int b = 0; b < items.size(); b++) {
                float[] alone = v.vocode(List.of(items.get(b)), new EulerSampler(), 2, StepListener.NONE).get(0);
                assertEquals(items.get(b).frames() * 256, together.get(b).length);
                assertArrayEquals(alone, together.get(b), 1e-5f, "item " + b);
            }
            float[] otherSeed = v.vocode(List.of(new MelVocoder.Item(items.get(0).logMel(), 30, 99, 0)),
                    new EulerSampler(), 2, StepListener.NONE).get(0);
            assertTrue(maxAbsDiff(otherSeed, together.get(0)) > 1e-3, "another seed gives other noise");
        }
    }

    @Test
    void analysisGivesOneFramePerHopAndGriffinLimTheSameLength() {
        try (NDManager m = NDManager.newBaseManager(); MelVocoder v = MelVocoder.of(TinyCheckpoint.model(m, 13), "tiny")) {
            float[] mel = v.analyse(TinyCheckpoint.tone(220, 5000));
            assertEquals(80 * (5000 / 256), mel.length);
            assertEquals(19 * 256, v.griffinLim(mel, 19, 1).length);
            assertThrows(IllegalArgumentException.class, () -> v.analyse(new float[255]));
            v.selfTest();
        }
    }

    @Test
    void loadPicksTheOnlyCheckpointAndNamesTheProblemWhenThereIsNone(@TempDir Path dir) throws Exception {
        NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> MelVocoder.checkpointName(dir));
        assertTrue(none.getMessage().contains("no vocoder checkpoint"), none.getMessage());
        TinyCheckpoint.write(dir, 1);
        try (MelVocoder v = MelVocoder.load(dir, null)) {
            assertEquals("tiny", v.name());
            assertEquals(80, v.nMels());
        }
        Files.copy(dir.resolve("tiny.safetensors"), dir.resolve("other.safetensors"));
        NoSuchFileException several = assertThrows(NoSuchFileException.class, () -> MelVocoder.checkpointName(dir));
        assertTrue(several.getMessage().contains("[other, tiny]"), several.getMessage());
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
