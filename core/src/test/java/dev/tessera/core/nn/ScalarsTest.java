package dev.tessera.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.tessera.core.engine.Engines;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each scalar operation keeps its number alive through a collection between forward and backward. */
class ScalarsTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** d/dx sum(op(x)) at x = [0.5, 2, 4] with a collection before the backward pass. */
    private static float[] gradient(UnaryOperator<NDArray> op) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.5f, 2f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = op.apply(x).sum();
                GarbageCollections.collectAndScribble();
                gc.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void timesOverAndAtLeastHaveTheirGradientsAfterACollection() throws InterruptedException {
        assertArrayEquals(new float[] {3f, 3f, 3f}, gradient(x -> Scalars.times(x, 3.0)), 0f);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, gradient(x -> Scalars.over(x, 4.0)), 0f);
        // max(x, 1): the gradient passes where x > 1 only.
        assertArrayEquals(new float[] {0f, 1f, 1f}, gradient(x -> Scalars.atLeast(x, 1.0)), 0f);
    }
}
