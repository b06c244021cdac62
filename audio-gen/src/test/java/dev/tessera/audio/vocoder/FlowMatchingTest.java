package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec 2.1: the OT-CFM path, its target, the energy prior and the weighted loss, on hand-made numbers. */
class FlowMatchingTest {

    private static final VocoderConfig CONFIG = VocoderConfig.TINY.withEnergy(1.0, 3.0);

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void pathRunsFromThePriorToTheDataAndItsVelocityIsTheTarget() {
        FlowMatching flow = new FlowMatching(CONFIG);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x1 = m.create(new float[] {0.5f, -0.25f, 0.75f, 0f}, new Shape(2, 2));
            NDArray x0 = m.create(new float[] {-1f, 2f, 0.3f, 0.1f}, new Shape(2, 2));
            FlowMatching.Point start = flow.interpolate(x1, x0, m.create(new float[] {0f, 0f}));
            assertArrayEquals(x0.toFloatArray(), start.xt().toFloatArray(), 1e-7f);
            FlowMatching.Point end = flow.interpolate(x1, x0, m.create(new float[] {1f, 1f}));
            assertArrayEquals(x1.add(x0.mul(1e-4f)).toFloatArray(), end.xt().toFloatArray(), 1e-6f); // x1 + sigma_min x0
            // u_t = d x_t / dt, by a central difference at t = 0.4 and 0.7
            NDArray t = m.create(new float[] {0.4f, 0.7f});
            float h = 1e-2f;
            NDArray fd = flow.interpolate(x1, x0, t.add(h)).xt().sub(flow.interpolate(x1, x0, t.sub(h)).xt()).div(2 * h);
            assertArrayEquals(flow.interpolate(x1, x0, t).target().toFloatArray(), fd.toFloatArray(), 1e-4f);
            assertArrayEquals(new float[] {1.4999f, -2.2498f, 0.45003f, -0.09999f},
                    start.target().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void energyPriorScalesFramesBetweenTheTrainingExtremesWithAFloor() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One frame per column; E = sqrt(sum_bins exp(log-mel)) with all 80 bins equal to v: E = sqrt(80 e^v).
            float[] energies = {0.5f, 1f, 2f, 3f, 4f};
            float[] mel = new float[80 * energies.length];
            for (int c = 0; c < 80; c++) {
                for (int f = 0; f < energies.length; f++) {
                    mel[c * energies.length + f] = (float) Math.log(energies[f] * energies[f] / 80.0);
                }
            }
            NDArray logMel = m.create(mel, new Shape(1, 80, energies.length));
            assertArrayEquals(energies, EnergyPrior.frameEnergy(logMel).toFloatArray(), 1e-5f);
            // (E - 1) / (3 - 1), floored at 0.1
            assertArrayEquals(new float[] {0.1f, 0.1f, 0.5f, 1f, 1.5f}, new EnergyPrior(CONFIG).sigmaFrames(logMel)
                    .toFloatArray(), 1e-5f);
            NDArray eps = m.create(new float[] {1f, -2f});
            NDArray sigma = m.create(new float[] {0.1f, 1.5f});
            assertArrayEquals(new float[] {0.5f * 0.667f * 0.1f, 0.5f * 0.667f * 1.5f * -2f},
                    new FlowMatching(CONFIG).prior(eps, sigma, 0.667).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void lossWeightsByOneOverSigmaSquaredAndIgnoresPadding() {
        FlowMatching flow = new FlowMatching(CONFIG);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.create(new float[] {1f, 2f, 3f, 9f, 0f, 1f, 9f, 9f}, new Shape(2, 4));
            NDArray u = m.create(new float[] {0f, 2f, 1f, 0f, 0f, 0f, 0f, 0f}, new Shape(2, 4));
            NDArray sigma = m.create(new float[] {0.5f, 1f, 2f, 0f, 1f, 0.1f, 0f, 0f}, new Shape(2, 4));
            // item 0 has 3 valid samples, item 1 has 2: ((1/0.5)^2 + 0 + (2/2)^2 + 0 + (1/0.1)^2) / 5
            float loss = flow.loss(v, u, sigma, new int[] {3, 2}).getFloat();
            assertEquals((4 + 0 + 1 + 0 + 100) / 5.0, loss, 1e-4);
            NDArray full = m.create(new float[] {1f, 1f, 1f, 2f}, new Shape(1, 4));
            assertEquals((1 + 0 + 4 + 81 / 4.0) / 4, flow.loss(v.get("0:1"), u.get("0:1"), full, new int[] {4}).getFloat(),
                    1e-5);
        }
    }
}
