package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.core.engine.Engines;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Samplers on fields with known solutions: Euler is first order, midpoint second order. */
class FlowSamplerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** dx/dt = -1.5 x + 2t from x(0) = 1: x(1) = e^-1.5 + (2/1.5)(1 - 1/1.5) + (2/2.25) e^-1.5 (exact solution). */
    private static double error(FlowSampler sampler, int steps) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new double[] {1.0}).toType(DataType.FLOAT64, false);
            VelocityField field = (x, t) -> x.mul(-1.5).add(2.0 * t);
            double got = sampler.integrate(field, x0, steps).getDouble(0);
            // x' = a x + b t, a = -1.5, b = 2: x(t) = (x0 + b/a^2) e^{at} - (b/a) t - b/a^2
            double a = -1.5;
            double b = 2;
            double exact = (1 + b / (a * a)) * Math.exp(a) - b / a - b / (a * a);
            assertEquals(1.0, x0.getDouble(0), 0.0, "the start state is left as it is");
            return Math.abs(got - exact);
        }
    }

    @Test
    void eulerErrorHalvesAndMidpointErrorQuartersWhenStepsDouble() {
        double e16 = error(new EulerSampler(), 16);
        double e32 = error(new EulerSampler(), 32);
        double m16 = error(new MidpointSampler(), 16);
        double m32 = error(new MidpointSampler(), 32);
        assertEquals(2.0, e16 / e32, 0.1, "Euler " + e16 + " -> " + e32);
        assertEquals(4.0, m16 / m32, 0.25, "midpoint " + m16 + " -> " + m32);
        assertTrue(m16 < e16 / 10, "midpoint " + m16 + " vs Euler " + e16);
        assertTrue(e32 < 0.02 && m32 < 3e-4, e32 + " " + m32);  // measured 0.0150 and 2.40e-4
    }

    @Test
    void aStraightFlowIsExactWithOneEulerStep() {
        // Flow matching's ideal field for a single pair is constant: x(1) = x(0) + u.
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[] {0.25f, -1f});
            NDArray u = m.create(new float[] {0.5f, 2f});
            float[] x1 = new EulerSampler().integrate((x, t) -> x.zerosLike().add(u), x0, 1).toFloatArray();
            assertEquals(0.75f, x1[0], 1e-7);
            assertEquals(1f, x1[1], 1e-7);
        }
    }

    @Test
    void evaluationsAreOnePerEulerStepAndTwoPerMidpointStepAtTheRightTimes() {
        for (FlowSampler s : new FlowSampler[] {new EulerSampler(), new MidpointSampler()}) {
            AtomicInteger calls = new AtomicInteger();
            StringBuilder times = new StringBuilder();
            try (NDManager m = NDManager.newBaseManager()) {
                s.integrate((x, t) -> {
                    calls.incrementAndGet();
                    times.append(t).append(' ');
                    return x.zerosLike();
                }, m.create(new float[] {1f}), 4);
            }
            assertEquals(s.evaluations(4), calls.get(), s.name());
            assertEquals(s instanceof EulerSampler ? "0.0 0.25 0.5 0.75 " : "0.0 0.125 0.25 0.375 0.5 0.625 0.75 0.875 ",
                    times.toString());
        }
    }
}
