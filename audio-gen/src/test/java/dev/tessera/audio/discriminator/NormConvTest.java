package dev.tessera.audio.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ai.djl.training.GradientCollector;
import dev.tessera.core.train.TrainableParameters;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TorchThreads.class)
class NormConvTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void weightNormStartsAtTheDirectionAndEachFilterHasTheNormOfItsGain() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("normconv", 0);
            NormConv conv = NormConv.conv2d(3, 4, new int[] {3, 9}, new int[] {1, 2}, new int[] {1, 4},
                    new int[] {2, 1}, 1, true);
            conv.initialize(m);
            assertTrue(conv.weightNormed());
            assertEquals(4 * 3 * 3 * 9 + 4 + 4, conv.parameterCount());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray v = conv.getParameters().get("v").getArray();
            NDArray g = conv.getParameters().get("g").getArray();
            assertEquals(new Shape(4, 1, 1, 1), g.getShape());
            NDArray w = conv.kernel(ps, v, false);
            assertTrue(w.sub(v).abs().max().getFloat() < 1e-6f, "w = v at initialization");

            // Grad mode is per thread in libtorch and an earlier test in this JVM may have left it on; an in-place
            // write to a parameter needs it off (as the trainer's updates have it).
            boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            try {
                g.set(new NDIndex("..."), m.create(new float[] {0.5f, 1f, 2f, 3f}, new Shape(4, 1, 1, 1)));
            } finally {
                ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
            }
            NDArray norms = conv.kernel(ps, v, false).square().sum(new int[] {1, 2, 3}).sqrt();
            assertTrue(norms.sub(m.create(new float[] {0.5f, 1f, 2f, 3f})).abs().max().getFloat() < 1e-5f,
                    "‖w‖ per filter = g: " + norms);
        }
    }

    /** Training steps leave nothing behind in the parameters' manager (the Turbo leak), and v and g still learn. */
    @Test
    void aTrainingForwardLeavesNothingInTheParametersManagerAndGradientsReachVAndG() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedEngine("normconv-leak", 0);
            NormConv conv = NormConv.conv1d(2, 3, 5, 1, 2, 1, true);
            conv.initialize(m);
            TrainableParameters params = new TrainableParameters(conv);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                try (NDManager step = m.newSubManager();
                     GradientCollector collector = step.getEngine().newGradientCollector()) {
                    NDArray x = step.randomNormal(new Shape(1, 2, 64));
                    collector.backward(conv.forward(new ParameterStore(step, false), x, true).square().sum());
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the parameters' manager");
            try (NDManager step = m.newSubManager()) {
                List<NDArray> grads = params.gradients(step);
                for (int i = 0; i < grads.size(); i++) {
                    assertTrue(grads.get(i).abs().sum().getFloat() > 0, params.trainable().get(i).name() + " got no gradient");
                }
                TrainableParameters.zero(grads);
            }
        }
    }

    @Test
    void outputSizesFollowStridePaddingAndDilation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NormConv c2 = NormConv.conv2d(2, 5, new int[] {3, 9}, new int[] {1, 2}, new int[] {4, 4},
                    new int[] {4, 1}, 1, true);
            NormConv c1 = NormConv.conv1d(1, 3, 5, 3, 2, 1, false);
            c2.initialize(m);
            c1.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            // time: 17 + 8 − 4·2 = 17 (dilated "same"); frequency: ⌊(216 + 8 − 9)/2⌋ + 1 = 108
            assertEquals(new Shape(2, 5, 17, 108), c2.forward(ps, m.zeros(new Shape(2, 2, 17, 216)), false).getShape());
            assertEquals(new Shape(2, 3, 342), c1.forward(ps, m.zeros(new Shape(2, 1, 1024)), false).getShape());
            assertTrue(c1.getParameters().contains("weight") && !c1.weightNormed());
        }
    }

    @Test
    void rejectsChannelsThatDoNotSplitIntoGroups() {
        assertThrows(IllegalArgumentException.class, () -> NormConv.conv2d(18, 10, new int[] {3, 9},
                new int[] {1, 1}, new int[] {1, 4}, new int[] {1, 1}, 9, false));
    }
}
