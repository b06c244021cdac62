package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.train.TrainableParameters;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PeriodWaveTest {

    private static final int SR = 22_050;

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** (B, T) noise, zero past each item's length. */
    private static NDArray state(NDManager m, int[] lengths, int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[lengths.length * samples];
        for (int b = 0; b < lengths.length; b++) {
            for (int i = 0; i < lengths[b]; i++) {
                x[b * samples + i] = (float) (0.3 * r.nextGaussian());
            }
        }
        return m.create(x, new Shape(lengths.length, samples));
    }

    /** (B, 80, F) log-mel-like values: loud where f < frames[b], anything (here 3.0) in the padding. */
    private static NDArray logMel(NDManager m, int[] frames, int f, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[frames.length * 80 * f];
        Arrays.fill(x, 3f);
        for (int b = 0; b < frames.length; b++) {
            for (int c = 0; c < 80; c++) {
                for (int i = 0; i < frames[b]; i++) {
                    x[(b * 80 + c) * f + i] = (float) (-6 + 4 * r.nextDouble());
                }
            }
        }
        return m.create(x, new Shape(frames.length, 80, f));
    }

    /**
     * The flow-matching loss reaches every trainable parameter, and a step leaves nothing in the weights'
     * manager. (A detached copy of the encoded mel and of the residual units' weights once kept the mel
     * encoder, the residual units and the period embedding at their initial values.)
     */
    @Test
    void theFlowLossHasAGradientForEveryParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(1, 2, 3), m, 5);
            TrainableParameters params = new TrainableParameters(model);
            VocoderTrainingTask task = new VocoderTrainingTask(model, TinyVocoders.tones(2, 9), null,
                    new VocoderTrainingTask.Options(2, 2048, 0, 2048, 0));
            int before = m.getManagedArrays().size();
            try (NDManager step = m.newSubManager()) {
                try (ai.djl.training.GradientCollector collector = step.getEngine().newGradientCollector()) {
                    collector.backward(task.loss(step, new SplittableRandom(3), 0).total());
                }
                java.util.List<NDArray> grads = params.gradients(step);
                java.util.List<String> without = new java.util.ArrayList<>();
                for (int i = 0; i < grads.size(); i++) {
                    if (!(grads.get(i).abs().sum().getFloat() > 0)) {
                        without.add(params.trainable().get(i).name());
                    }
                }
                TrainableParameters.zero(grads);
                assertEquals(java.util.List.of(), without, "parameters without a gradient");
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the weights' manager");
        }
    }

    @Test
    void tinyBuildCostsAtMost1point5GmacPerAudioSecondAndHas1point8MParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(VocoderConfig.TINY.withEnergy(0.03, 5), m, 1);
            assertEquals(1_795_745, new TrainableParameters(model).count());                        // spec: ~1.8M (est.)
            int frames = SR / 256;                                                                  // 86 frames = 22,016 samples
            int samples = frames * 256;
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                MacCounter encoder = new MacCounter();
                EncodedMel mel = model.encode(logMel(m, new int[] {frames}, frames, 2), new int[] {frames}, encoder);
                MacCounter nfe = new MacCounter();
                model.velocity(state(m, new int[] {samples}, samples, 3), m.full(new Shape(1), 0.5f), mel, FreeU.OFF, nfe);
                double perSecond = nfe.total() * (double) SR / samples;
                // Spec 2.4: 65,856 MACs per sample = 1.452e9 per second; the branches pad to 64p samples.
                assertTrue(perSecond <= 1.5e9, "MACs per audio second per NFE: " + perSecond);
                assertEquals(1.452e9, perSecond, 0.02e9, nfe.byLayer().toString());
                assertEquals(2416.0 * samples, nfe.total("final."), 1.0);                          // final block: 2,416 per sample
                double encoderPerSecond = encoder.total() * (double) SR / samples;
                assertTrue(encoderPerSecond > 0.08e9 && encoderPerSecond < 0.14e9, "encoder: " + encoderPerSecond); // spec: ~0.11
            } finally {
                JniUtils.setGradMode(grad); // restore, never force: grad mode is per thread and shared by later tests
            }
        }
    }

    @Test
    void variableLengthBatchItemsMatchTheirSoloRuns() {
        // Spec 2.5: items of 1 s, 0.37 s and 2.1 s batched together match their solo runs within 1e-5.
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(), m, 5);
            int[] frames = {(int) (1.0 * SR) / 256, (int) (0.37 * SR) / 256, (int) (2.1 * SR) / 256}; // 86, 31, 180
            int f = 180;
            int samples = f * 256;
            int[] lengths = Arrays.stream(frames).map(x -> x * 256).toArray();
            NDArray mels = logMel(m, frames, f, 7);
            NDArray x = state(m, lengths, samples, 8);
            float[] times = {0.2f, 0.5f, 0.9f};
            EncodedMel batch = model.encode(mels, frames, null);
            float[] together = model.velocity(x, m.create(times), batch, FreeU.TEACHER, null).toFloatArray();
            for (int b = 0; b < 3; b++) {
                int n = lengths[b];
                NDArray soloMel = mels.get(b + ":" + (b + 1) + ", :, :" + frames[b]);
                EncodedMel solo = model.encode(soloMel, new int[] {frames[b]}, null);
                NDArray soloX = x.get(b + ":" + (b + 1) + ", :" + n);
                float[] alone = model.velocity(soloX, m.create(new float[] {times[b]}), solo, FreeU.TEACHER, null)
                        .toFloatArray();
                double maxDiff = 0;
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(together[b * samples + i] - alone[i]));
                    scale = Math.max(scale, Math.abs(alone[i]));
                }
                assertTrue(maxDiff <= 1e-5, "item " + b + ": max |batch - solo| = " + maxDiff + " (max |v| " + scale + ")");
                assertTrue(scale > 1e-3, "the output should not be trivially zero");
                for (int i = n; i < samples; i++) {
                    assertEquals(0f, together[b * samples + i], 0f, "item " + b + " sample " + i + " is past its length");
                }
            }
        }
    }

    @Test
    void aForwardPassLeavesNothingInTheWeightsManager() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(), weights, 5);
            int before = weights.getManagedArrays().size();
            int[] frames = {8, 5};
            EncodedMel mel = model.encode(logMel(m, frames, 8, 1), frames, null);
            model.velocity(state(m, new int[] {2048, 1280}, 2048, 2), m.create(new float[] {0.1f, 0.7f}), mel,
                    FreeU.TEACHER, null);
            assertEquals(before, weights.getManagedArrays().size());
        }
    }

    @Test
    void badInputIsRejectedBeforeAnyTensorWork() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = TinyVocoders.model(TinyVocoders.config(), m, 5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(m.zeros(new Shape(1, 64, 10)), new int[] {10}, null));
            assertTrue(e.getMessage().contains("expected a (batch, 80, frames) log-mel"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(m.zeros(new Shape(1, 80, 10)), new int[] {11}, null));
            assertTrue(e.getMessage().contains("11 frames"), e.getMessage());
        }
    }
}
