package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.discriminator.MultiScaleMelLoss;
import dev.tessera.core.nn.GarbageCollections;
import dev.tessera.core.train.TrainableParameters;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between the forward and the backward pass must not change the vocoder's gradients.
 * Before {@code core.nn.Scalars}, the flow-matching loss divided by its sample count with DJL's
 * {@code div(Number)}, whose scalar a collection freed: the backward pass then scaled every gradient by
 * whatever reused that memory.
 */
class GarbageCollectionSafetyTest {

    @Test
    void flowMatchingGradientsAreTheSameWithACollectionBeforeBackward() throws Exception {
        float[] quiet = flowGradients(false);
        float[] collected = flowGradients(true);
        assertEquals(quiet.length, collected.length);
        double norm = 0;
        for (int i = 0; i < quiet.length; i++) {
            assertEquals(quiet[i], collected[i], 0f, "gradient element " + i);
            norm += quiet[i] * (double) quiet[i];
        }
        assertTrue(norm > 0 && Double.isFinite(norm), "the step has a finite, non-zero gradient: " + norm);
    }

    @Test
    void multiScaleMelLossGradientSurvivesACollection() throws Exception {
        float[] quiet = melGradient(false);
        float[] collected = melGradient(true);
        for (int i = 0; i < quiet.length; i++) {
            assertEquals(quiet[i], collected[i], 0f, "sample " + i);
        }
    }

    /** All parameter gradients of one flow-matching step of a tiny vocoder on tones, concatenated. */
    private static float[] flowGradients(boolean collect) throws Exception {
        SpeechCorpus train = TinyVocoders.tones(4, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(1, 2), m, 3);
            TrainableParameters params = new TrainableParameters(model);
            params.zeroGradients(m);
            try (VocoderTrainingTask task = new VocoderTrainingTask(model, train, null,
                    new VocoderTrainingTask.Options(2, 2048, 0, 2048, 0))) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss = task.loss(m, new SplittableRandom(7), 0).total();
                    if (collect) {
                        GarbageCollections.collectAndScribble();
                    }
                    gc.backward(loss);
                }
            }
            List<NDArray> grads = params.gradients(m);
            NDArray all = m.create(new float[0]);
            for (NDArray g : grads) {
                all = all.concat(g.flatten());
            }
            return all.toFloatArray();
        }
    }

    /** d(multi-scale mel L1)/d(fake) for a tone against a detuned tone. */
    private static float[] melGradient(boolean collect) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 8192;
            NDArray real = m.create(TinyVocoders.tone(220, n, 22_050), new Shape(1, n));
            NDArray fake = m.create(TinyVocoders.tone(233, n, 22_050), new Shape(1, n));
            fake.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = MultiScaleMelLoss.turbo().loss(real, fake).total();
                if (collect) {
                    GarbageCollections.collectAndScribble();
                }
                gc.backward(loss);
            }
            return fake.getGradient().toFloatArray();
        }
    }
}
