package dev.tessera.image.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArConfig;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.data.ShapesGenerator;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockCheckpointsTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void tokenizerCheckpointReloadsToIdenticalOutputs(@TempDir Path dir) throws IOException {
        LfqTokenizerConfig config = new LfqTokenizerConfig(32, 8, List.of(1, 2, 2), 1, 4, true, true, 2,
                LookupFreeQuantizerConfig.defaults(6));
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(1);
            LfqTokenizer saved = new LfqTokenizer(config);
            saved.initialize(m);
            saved.save(dir, "tok", Map.of("step", "0"));
            LfqTokenizer loaded = LfqTokenizer.load(dir, "tok", m);
            assertEquals(config, loaded.config());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = new ShapesGenerator(32, 4).generate(2).batch(m, new int[] {0, 1});
            assertArrayEquals(saved.forward(ps, x, false, false).reconstruction().toFloatArray(),
                    loaded.forward(ps, x, false, false).reconstruction().toFloatArray(), 0f);
            assertEquals("0", Checkpoint.load(dir, "tok").metadata().get("step"));
        }
    }

    @Test
    void arCheckpointsReloadByModelKindAndRefuseAnotherArchitecture(@TempDir Path dir) throws IOException {
        ArTrunkConfig trunk = new ArTrunkConfig(32, 4, 1, 64, 3, 64, 0.1f, 0.1f, 0.02f, 1e-5f);
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(2);
            ImageTokenModel factorized = new FactorizedArTransformer(new FactorizedArConfig(8, 3, 1, trunk));
            ImageTokenModel flat = new FlatArTransformer(new FlatArConfig(8, trunk));
            factorized.initialize(m, DataType.FLOAT32);
            flat.initialize(m, DataType.FLOAT32);
            factorized.getParameters().forEach(p -> p.getValue().getArray().addi(0.01f)); // move heads off zero
            ImageTokenModels.save(factorized, dir, "fact", Map.of());
            ImageTokenModels.save(flat, dir, "flat", Map.of());
            ImageTokenModel f2 = ImageTokenModels.load(dir, "fact", m);
            ImageTokenModel l2 = ImageTokenModels.load(dir, "flat", m);
            assertTrue(f2 instanceof FactorizedArTransformer);
            assertTrue(l2 instanceof FlatArTransformer);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray tokens = m.arange(0, 64).reshape(1, 64).toType(DataType.INT64, false);
            NDArray classes = m.create(new long[] {2});
            assertArrayEquals(factorized.tokenNll(ps, tokens, classes, false).toFloatArray(),
                    f2.tokenNll(ps, tokens, classes, false).toFloatArray(), 0f);

            // The flat checkpoint's tensors cannot fill a factorized model.
            FactorizedArTransformer other = new FactorizedArTransformer(new FactorizedArConfig(8, 3, 1, trunk));
            other.initialize(m);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> BlockCheckpoints.load(other, Checkpoint.load(dir, "flat").tensors()));
            assertTrue(e.getMessage().contains("has no tensor"), e.getMessage());
            assertEquals(new Shape(256, 32), l2.getParameters().get("tokenEmbedding_weight").getArray().getShape());
        }
    }
}
