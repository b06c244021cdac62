package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.web.api.TinyVocoderModel;
import dev.tessera.web.cli.TesseraCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera vocode} in-process on an untrained tiny checkpoint. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VocodeCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void model() throws Exception {
        TinyVocoderModel.write(dir.resolve("models"), 61);
    }

    @Test
    void aSixteenKilohertzWavIsResampledAndVocodedToAValidWav() throws Exception {
        Path in = dir.resolve("in.wav");
        Files.write(in, WavWriter.write(TinyVocoderModel.tone(200, 8000, 16_000), 16_000, WavEncoding.PCM_16));
        Path out = dir.resolve("out/resynth.wav");
        Run r = TesseraCommandTest.run("vocode", in.toString(), out.toString(), "--steps", "2", "--models",
                dir.resolve("models").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("resampled") && r.err().contains("16000 Hz"), r.err());
        assertTrue(r.out().startsWith("wrote " + out), r.out());
        WavAudio audio = new WavReader().read(out);
        assertEquals(22_050, audio.sampleRate());
        assertEquals(11_025 / 256 * 256, audio.frames(), "0.5 s at 22,050 Hz, whole frames");
        double energy = 0;
        for (float v : audio.samples()) {
            energy += v * v;
        }
        assertTrue(energy > 0);
    }

    @Test
    void anNpyMelAndTheGriffinLimBaselineWork() throws Exception {
        Path in = dir.resolve("mel.npy");
        Files.write(in, TinyVocoderModel.npy(TinyVocoderModel.mel(12, 1), 1, 80, 12));
        Path out = dir.resolve("gl.wav");
        Run r = TesseraCommandTest.run("vocode", in.toString(), out.toString(), "--model", "griffin-lim", "--format",
                "f32", "--models", dir.resolve("models").toString());
        assertEquals(0, r.exitCode(), r.err());
        WavAudio audio = new WavReader().read(out);
        assertEquals(WavEncoding.FLOAT_32, audio.encoding());
        assertEquals(12 * 256, audio.frames());
    }

    @Test
    void aMissingModelABadWavAndBadFlagsFailClearly() throws Exception {
        Path in = dir.resolve("ok.wav");
        Files.write(in, WavWriter.write(TinyVocoderModel.tone(200, 4000, 22_050), 22_050, WavEncoding.PCM_16));
        Run noModel = TesseraCommandTest.run("vocode", in.toString(), dir.resolve("x.wav").toString(), "--models",
                dir.resolve("empty").toString());
        assertEquals(1, noModel.exitCode());
        assertTrue(noModel.err().contains("no vocoder checkpoint") && noModel.err().contains("empty"), noModel.err());

        Path bad = dir.resolve("bad.wav");
        Files.writeString(bad, "this is text, not audio");
        Run badWav = TesseraCommandTest.run("vocode", bad.toString(), dir.resolve("x.wav").toString(), "--models",
                dir.resolve("models").toString());
        assertEquals(1, badWav.exitCode());
        assertTrue(badWav.err().contains("not a WAV file"), badWav.err());

        Run missing = TesseraCommandTest.run("vocode", dir.resolve("nope.wav").toString(), "x.wav");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope.wav") && missing.err().contains("no such file"), missing.err());

        Run steps = TesseraCommandTest.run("vocode", in.toString(), "x.wav", "--steps", "0");
        assertEquals(2, steps.exitCode());
        assertTrue(steps.err().contains("--steps") && steps.err().contains("1..64"), steps.err());
        Run model = TesseraCommandTest.run("vocode", in.toString(), "x.wav", "--model", "wavenet");
        assertEquals(2, model.exitCode());
        assertTrue(model.err().contains("griffin-lim"), model.err());
    }
}
