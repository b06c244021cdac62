package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.nn.GarbageCollections;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.TrainableParameters;
import dev.tessera.image.lfq.LfqTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between the forward and the backward pass must not change the gradients. With DJL
 * 0.36's {@code mul(Number)} it did (see {@link Scalars}): the scalar of the product was freed and the
 * backward pass read whatever reused that memory.
 */
class GarbageCollectionSafetyTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void scalarProductKeepsItsFactorThroughACollection() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(100));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = Scalars.times(x, 3.0);
                GarbageCollections.collectAndScribble();
                gc.backward(y.sum());
            }
            try (NDArray g = x.getGradient().duplicate()) {
                assertEquals(3.0f, g.toFloatArray()[0]);
                assertEquals(300f, g.sum().getFloat());
            }
        }
    }

    @Test
    void tokenizerGradientsAreTheSameWithACollectionBetweenForwardAndBackward() throws Exception {
        TokenizerTrainingConfig config = LfqTokenizerTrainingTaskTest.tiny(1, 0);
        Map<String, float[]> quiet = gradients(config, false);
        Map<String, float[]> collected = gradients(config, true);
        assertEquals(0.0, TrainingAssertions.maxAbsDiff(quiet, collected), 0.0);
    }

    /** The gradients of one tokenizer step (L1 + LFQ terms) on a fixed batch of shapes. */
    private static Map<String, float[]> gradients(TokenizerTrainingConfig config, boolean collect) throws Exception {
        LfqTokenizer tokenizer = new LfqTokenizer(config.tokenizer());
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedAll(3);
            tokenizer.initialize(m);
            TrainableParameters params = new TrainableParameters(tokenizer);
            params.zeroGradients(m);
            NDArray x = LfqTokenizerTrainingTaskTest.TRAIN.batch(m, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                LfqTokenizer.Output out = tokenizer.forward(new ParameterStore(m, false), x, true, true);
                NDArray loss = out.reconstruction().sub(x).abs().mean().add(out.quantized().loss());
                if (collect) {
                    GarbageCollections.collectAndScribble();
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new java.util.LinkedHashMap<>();
            List<TrainableParameters.Entry> entries = params.trainable();
            List<NDArray> grads = params.gradients(m);
            for (int i = 0; i < grads.size(); i++) {
                try (NDArray copy = grads.get(i).duplicate()) {
                    out.put(entries.get(i).name(), copy.toFloatArray());
                }
            }
            return out;
        }
    }
}
