package dev.tessera.image.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the installed models, without Vert.x. */
class ImageGeneratorTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void aFlatHeadInstallGeneratesImagesAndNamesItsClasses(@TempDir Path models) throws IOException {
        TinyImageModels.write(models, 8, true);
        try (ImageGenerator g = ImageGenerator.load(models)) {
            g.selfTest();
            assertEquals("flat", g.kind());
            assertEquals(2, g.classId("Triangle"));
            assertEquals(3, g.classId("3"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.classId("4")).getMessage()
                    .contains("0..3 or one of circle, square, triangle, star"));
            List<SampleSpec> specs = List.of(new SampleSpec(2, 1, 0, SamplingParams.STUDIO),
                    new SampleSpec(g.nullClass(), 1, 1, SamplingParams.PLAIN));
            long[][] tokens = g.sampleTokens(specs, TokenListener.NONE);
            List<RgbImage> images = g.decode(List.of(tokens));
            assertEquals(2, images.size());
            assertEquals(32, images.get(1).width());
            assertArrayEquals(images.get(0).pixels(), g.decode(List.of(tokens[0])).get(0).pixels(),
                    "decoding alone or in a batch gives the same pixels");
        }
    }

    @Test
    void anArModelOfAnotherCodebookThanTheTokenizerIsRefused(@TempDir Path models) throws IOException {
        TinyImageModels.write(models, 8, false);
        try (NDManager m = NDManager.newBaseManager()) {
            FactorizedArTransformer k9 = new FactorizedArTransformer(new FactorizedArConfig(9, 3, 1, TinyImageModels.trunk()));
            k9.initialize(m);
            ImageTokenModels.save(k9, models.resolve(ImageGenerator.AR_DIR), ImageGenerator.AR_CHECKPOINT, Map.of());
        }
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> ImageGenerator.load(models));
        assertTrue(e.getMessage().contains("64 tokens of 9 bits") && e.getMessage().contains("64 tokens of 8 bits"),
                e.getMessage());
    }
}
