package dev.tessera.audio.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.audio.vocoder.EulerSampler;
import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.audio.vocoder.VelocityField;
import dev.tessera.core.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Observing the steps of a solver changes none of its numbers. */
class ObservedSamplerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** A non-linear, time-dependent field, so any change in where v is evaluated would show. */
    private static final VelocityField FIELD = (x, t) -> x.sin().mul(-1.3f).add(x.mul(x).mul(0.2f * t)).add(t * t);

    private static float[] start(NDManager m) {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * 2;
        }
        return x;
    }

    @Test
    void observedEulerAndMidpointAreBitEqualToThePlainSolversAndReportEveryStep() {
        for (FlowSampler plain : List.of(new EulerSampler(), new MidpointSampler())) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x0 = m.create(start(m));
                List<String> seen = new ArrayList<>();
                float[] expected = plain.integrate(FIELD, x0, 7).toFloatArray();
                float[] observed = new ObservedSampler(plain, (step, steps) -> seen.add(step + "/" + steps))
                        .run(FIELD, x0, 7).toFloatArray();
                assertArrayEquals(expected, observed, 0f, plain.name());
                assertEquals(List.of("1/7", "2/7", "3/7", "4/7", "5/7", "6/7", "7/7"), seen, plain.name());
            }
        }
    }

    @Test
    void aListenerThatThrowsStopsTheIntegrationAfterThatStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(start(m));
            int[] evaluations = {0};
            VelocityField counting = (x, t) -> {
                evaluations[0]++;
                return FIELD.at(x, t);
            };
            ObservedSampler sampler = new ObservedSampler(new MidpointSampler(), (step, steps) -> {
                if (step == 2) {
                    throw new IllegalStateException("stop");
                }
            });
            assertThrows(IllegalStateException.class, () -> sampler.run(counting, x0, 10));
            assertEquals(4, evaluations[0], "two midpoint steps, two evaluations each");
        }
    }
}
