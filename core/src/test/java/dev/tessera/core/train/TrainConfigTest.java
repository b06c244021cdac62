package dev.tessera.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void jsonRoundTripKeepsEveryValue() {
        TrainConfig c = TrainConfig.DEFAULTS.with(new JsonObject().put("steps", 200).put("learningRate", 1e-3)
                .put("clipGradNorm", 0.5).put("emaDecay", 0.99).put("seed", 7));
        assertEquals(200, c.steps());
        assertEquals(1e-3, c.learningRate());
        assertEquals(c, TrainConfig.fromJson(new JsonObject(c.toJson().encode())));
    }

    @Test
    void missingKeysTakeDefaults() {
        TrainConfig c = TrainConfig.fromJson(new JsonObject().put("steps", 300));
        assertEquals(300, c.steps());
        assertEquals(TrainConfig.DEFAULTS.beta2(), c.beta2());
    }

    @Test
    void unknownKeysAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.fromJson(new JsonObject().put("learningrate", 1e-3)));
        assertTrue(e.getMessage().contains("unknown keys [learningrate]"), e.getMessage());
    }

    @Test
    void everyBadValueIsNamedInOneMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.DEFAULTS.with(
                new JsonObject().put("steps", 10).put("warmupSteps", 20).put("beta2", 1.0).put("eps", 0)));
        assertTrue(e.getMessage().contains("warmupSteps must be in [0, steps=10], got 20"), e.getMessage());
        assertTrue(e.getMessage().contains("beta2 must be in [0, 1), got 1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("eps must be > 0, got 0.0"), e.getMessage());
    }

    @Test
    void resumeAllowsMoreStepsButNotAnotherLearningRate() {
        TrainConfig saved = TrainConfig.DEFAULTS;
        assertEquals(List.of(), saved.with(new JsonObject().put("steps", 5000).put("checkpointEvery", 10))
                .resumeConflicts(saved));
        assertEquals(List.of("learningRate 3.0E-4 -> 0.001"),
                saved.with(new JsonObject().put("learningRate", 1e-3)).resumeConflicts(saved));
    }
}
