package dev.tessera.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void engineRunsOfflineAndMultipliesMatrices() {
        var engine = Engines.start(EngineConfig.fromEnvironment());
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = m.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
            assertArrayEquals(new float[] {19, 22, 43, 50}, a.matMul(b).toFloatArray(), 0f);
        }
    }

    @Test
    void sameSeedGivesSameTensorsAndNamedStreamsDiffer() {
        Engines.start(EngineConfig.fromEnvironment());
        float[] first;
        float[] second;
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(7);
            first = m.randomNormal(new Shape(16)).toFloatArray();
            Seeds.seedAll(7);
            second = m.randomNormal(new Shape(16)).toFloatArray();
        }
        assertArrayEquals(first, second, 0f);
        assertEquals(Seeds.stream("data", 3).nextLong(), Seeds.stream("data", 3).nextLong());
        assertNotEquals(Seeds.stream("data", 3).nextLong(), Seeds.stream("data", 4).nextLong());
        assertNotEquals(Seeds.stream("data", 3).nextLong(), Seeds.stream("noise", 3).nextLong());
    }
}
