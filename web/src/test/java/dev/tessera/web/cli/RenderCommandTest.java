package dev.tessera.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.api.TinyVocoderModel;
import dev.tessera.web.jobs.BatchRunner;
import dev.tessera.web.jobs.OutputFiles;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera render} with tiny real models: in-process (its own server and store under OUT/.tessera) and
 * against a running server; a second run of the same command resumes the same batch and downloads nothing
 * it already has.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RenderCommandTest {

    static final Pattern BATCH = Pattern.compile("batch ([0-9a-f-]{36})");

    @TempDir
    static Path dir;
    static Path models;
    static Path batchFile;

    @BeforeAll
    static void models() throws Exception {
        models = dir.resolve("models");
        TinyImageModels.write(models, 3, false);
        TinyVocoderModel.write(models, 51);
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.write(work.resolve("tone.wav"), WavWriter.write(TinyVocoderModel.tone(220, 2_600, 22_050), 22_050,
                WavEncoding.PCM_16));
        batchFile = work.resolve("batch.json");
        Files.writeString(batchFile, new JsonObject().put("name", "render test").put("items", new JsonArray()
                .add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("class", "circle")
                        .put("seed", 7)).put("output", "circle.png"))
                .add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("class", 2).put("seed", 8))
                        .put("output", "triangle.png"))
                .add(new JsonObject().put("kind", "audio").put("params", new JsonObject().put("input", "tone.wav")
                        .put("steps", 2)).put("output", "tone-out.wav"))).encodePrettily());
    }

    static String batchId(String stdout) {
        Matcher m = BATCH.matcher(stdout);
        assertTrue(m.find(), stdout);
        return m.group(1);
    }

    @Test
    void inProcessRenderWritesEveryOutputAndARerunResumesTheSameBatch() throws Exception {
        Path out = dir.resolve("in-process");
        TesseraCommandTest.Run first = TesseraCommandTest.run("render", batchFile.toString(), "--out", out.toString(),
                "--models", models.toString());
        assertEquals(0, first.exitCode(), first.err() + first.out());
        assertTrue(first.out().contains("submitted batch"), first.out());
        assertTrue(first.out().contains("3 succeeded, 0 failed"), first.out());
        byte[] png = Files.readAllBytes(out.resolve("circle.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals(10 * 256, new WavReader().read(out.resolve("tone-out.wav")).frames(), "2,600 samples: 10 frames");
        long modified = Files.getLastModifiedTime(out.resolve("circle.png")).toMillis();

        TesseraCommandTest.Run again = TesseraCommandTest.run("render", batchFile.toString(), "--out", out.toString(),
                "--models", models.toString());
        assertEquals(0, again.exitCode(), again.err() + again.out());
        assertTrue(again.out().contains("resuming batch"), again.out());
        assertEquals(batchId(first.out()), batchId(again.out()));
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("circle.png")).toMillis(), "kept, not re-downloaded");
    }

    @Test
    void renderOnARunningServerDownloadsOutputsWithTheirHashes() throws Exception {
        Path inputs = batchFile.getParent();
        TesseraServer server = TesseraServer.start(ServerOptions.local(0, models).withBatch(new ServerOptions.BatchOptions(
                "sqlite:" + dir.resolve("server/jobs.db"), dir.resolve("server/outputs"), inputs,
                BatchRunner.Settings.DEFAULT))).await(120, TimeUnit.SECONDS);
        try {
            Path out = dir.resolve("remote");
            TesseraCommandTest.Run r = TesseraCommandTest.run("render", batchFile.toString(), "--out", out.toString(),
                    "--server", server.url());
            assertEquals(0, r.exitCode(), r.err() + r.out());
            String id = batchId(r.out());
            for (String name : new String[] {"circle.png", "triangle.png", "tone-out.wav"}) {
                assertEquals(OutputFiles.sha256(Files.readAllBytes(dir.resolve("server/outputs").resolve(id).resolve(name))),
                        OutputFiles.sha256(Files.readAllBytes(out.resolve(name))), name);
            }
        } finally {
            server.stop().await(60, TimeUnit.SECONDS);
        }
        TesseraCommandTest.Run bad = TesseraCommandTest.run("render", dir.resolve("missing.json").toString());
        assertEquals(2, bad.exitCode(), bad.err());
    }
}
