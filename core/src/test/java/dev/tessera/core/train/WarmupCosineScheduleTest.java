package dev.tessera.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupCosineScheduleTest {

    private final WarmupCosineSchedule schedule = new WarmupCosineSchedule(1e-3, 1e-4, 10, 110);

    @Test
    void warmsUpLinearlyFromZeroToPeak() {
        assertEquals(0.0, schedule.rate(0), 0);
        assertEquals(5e-4, schedule.rate(5), 1e-15);
        assertEquals(1e-3, schedule.rate(10), 1e-15);
    }

    @Test
    void decaysByCosineToMinAtTheEndAndStaysThere() {
        assertEquals((1e-3 + 1e-4) / 2, schedule.rate(60), 1e-15); // half-way through the decay
        assertEquals(1e-4 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)), schedule.rate(35), 1e-15);
        assertEquals(1e-4, schedule.rate(110), 1e-15);
        assertEquals(1e-4, schedule.rate(500), 1e-15);
        for (long s = 10; s < 110; s++) {
            assertTrue(schedule.rate(s + 1) <= schedule.rate(s), "rate rises at step " + s);
        }
    }

    @Test
    void withoutWarmupStartsAtPeak() {
        assertEquals(2e-3, new WarmupCosineSchedule(2e-3, 0, 0, 50).rate(0), 0);
    }

    @Test
    void refusesWarmupLongerThanTheRun() {
        var e = assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(1e-3, 0, 20, 10));
        assertTrue(e.getMessage().contains("warmupSteps=20"), e.getMessage());
    }
}
