package dev.tessera.image.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.checkpoint.DType;
import dev.tessera.core.checkpoint.TensorData;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.lfq.LfqTokenizer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping trained exports as float16: the installed layout, the size, and outputs close to float32. */
class ImageModelExportTest {

    /** Tolerances of the float16 copy, from the tiny random models (weights rounded at 2^-11 relative). */
    static final double PIXEL_TOLERANCE = 0.02;      // decoded pixels, range [-1, 1]
    static final double NLL_TOLERANCE = 0.02;        // per-token NLL, nats
    static final double TOKEN_AGREEMENT = 0.97;      // re-encoded tokens equal

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void shippedFloat16ModelsLoadAndMatchTheFloat32Exports(@TempDir Path work) throws IOException {
        Path exports = work.resolve("exports");
        TinyImageModels.write(exports, 5, false);
        Path tokenizerExport = exports.resolve(ImageGenerator.TOKENIZER_DIR);
        Path arExport = exports.resolve(ImageGenerator.AR_DIR);
        Files.writeString(arExport.resolve("MODEL_CARD.md"), "# AR card\n\ntrained for 3 steps\n");
        Path models = work.resolve("models");

        List<ImageModelExport.Shipped> shipped = ImageModelExport.ship(tokenizerExport, arExport, models,
                work.resolve("backup"));

        assertEquals(2, shipped.size());
        for (ImageModelExport.Shipped s : shipped) {
            ImageModelExport.Converted c = s.converted();
            // F16 halves the weights; the header (config, names) adds a little.
            assertTrue(c.targetBytes() < c.sourceBytes() * 0.56, s.kind() + ": " + c);
            assertTrue(c.maxAbsRounding() > 0 && c.maxAbsRounding() < 1e-3, s.kind() + ": " + c);
        }
        ImageModelExport.Comparison tok = shipped.get(0).comparison();
        assertTrue(tok.maxAbsDifference() < PIXEL_TOLERANCE, tok.what());
        assertTrue(tok.agreement() >= TOKEN_AGREEMENT, tok.what());
        ImageModelExport.Comparison ar = shipped.get(1).comparison();
        System.out.println(tok.what() + "\n" + ar.what());
        assertTrue(ar.maxAbsDifference() < NLL_TOLERANCE, ar.what());
        assertEquals(1.0, ar.agreement(), 1e-3, ar.what());

        Checkpoint.Loaded loaded = Checkpoint.load(models.resolve(ImageGenerator.AR_DIR), ImageTokenModels.CHECKPOINT);
        assertTrue(loaded.tensors().values().stream().allMatch(t -> t.dtype() == DType.F16));
        assertTrue(loaded.metadata().get("tessera.storage").startsWith("F16 from F32 "));
        String card = Files.readString(models.resolve(ImageGenerator.AR_DIR).resolve("MODEL_CARD.md"));
        assertTrue(card.startsWith("# AR card") && card.contains("## Shipped as float16"), card);
        try (ImageGenerator g = ImageGenerator.load(models)) {
            g.selfTest();
            assertEquals(3, g.classId("star"), "the categories travel with the AR config");
        }
    }

    @Test
    void shippingAnExportInPlaceKeepsTheFloat32OriginalAndCanBeRepeated(@TempDir Path models) throws IOException {
        TinyImageModels.write(models, 6, false);
        Path tokenizer = models.resolve(ImageGenerator.TOKENIZER_DIR);
        long before = Files.size(Checkpoint.tensorsFile(tokenizer, LfqTokenizer.CHECKPOINT));
        Path backup = models.resolve("f32");
        ImageModelExport.ship(tokenizer, null, models, backup);
        ImageModelExport.ship(tokenizer, null, models, backup); // again: converts from the kept original
        assertEquals(before, Files.size(Checkpoint.tensorsFile(backup.resolve(ImageGenerator.TOKENIZER_DIR),
                LfqTokenizer.CHECKPOINT)));
        assertTrue(Files.size(Checkpoint.tensorsFile(tokenizer, LfqTokenizer.CHECKPOINT)) < before * 0.56);
        String card = Files.readString(tokenizer.resolve("MODEL_CARD.md"));
        assertEquals(card.indexOf("## Shipped as float16"), card.lastIndexOf("## Shipped as float16"),
                "a second ship replaces the section");
    }

    @Test
    void weightsBeyondFloat16AndMissingExportsAreRefused(@TempDir Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("big"));
        Checkpoint.saveTensors(dir, "w", Map.of("w", TensorData.ofFloats(new long[] {2}, new float[] {1f, 7e4f})),
                new JsonObject(), Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> ImageModelExport.toF16(dir, work.resolve("out"), "w"));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("float16 cannot store"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ImageModelExport.ship(work, null, work.resolve("models"), work.resolve("b")));
        assertTrue(missing.getMessage().contains("holds no lfq-tokenizer.safetensors"), missing.getMessage());
    }
}
