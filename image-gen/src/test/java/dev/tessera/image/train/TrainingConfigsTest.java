package dev.tessera.image.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.train.TrainingProgress;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingConfigsTest {

    @Test
    void tokenizerDefaultsFollowTheSpecAndSurviveJson() {
        TokenizerTrainingConfig d = TokenizerTrainingConfig.defaults();
        assertEquals(1e-4, d.train().learningRate());
        assertEquals(0.5, d.train().beta1());
        assertEquals(0.9, d.train().beta2());
        assertEquals(0.0, d.train().weightDecay());
        assertEquals(1.0, d.train().clipGradNorm());
        assertEquals(0.999, d.train().emaDecay());
        assertEquals(32, d.batch());
        assertEquals(0.25f, d.tokenizer().quantizer().commitmentWeight());
        assertEquals(0.1f, d.tokenizer().quantizer().entropyWeight());
        assertEquals(d, TokenizerTrainingConfig.fromJson(new JsonObject(d.toJson().encode())));
        // K = 18 from a partial config takes the grouped entropy of that K, not the K = 14 defaults.
        TokenizerTrainingConfig k18 = TokenizerTrainingConfig.fromJson(new JsonObject()
                .put("tokenizer", new JsonObject().put("quantizer", new JsonObject().put("bits", 18)))
                .put("train", new JsonObject().put("steps", 100)));
        assertEquals(LookupFreeQuantizerConfig.CodebookEntropy.GROUPED, k18.tokenizer().quantizer().codebookEntropy());
        assertEquals(100, k18.train().steps());
        assertEquals(1e-4, k18.train().learningRate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerTrainingConfig.fromJson(new JsonObject().put("bacth", 8)));
        assertTrue(e.getMessage().contains("[bacth]"), e.getMessage());
    }

    @Test
    void arConfigsCarryTheHeadAndTheSpecsRecipe() {
        ArTrainingConfig f = ArTrainingConfig.fromJson(new JsonObject(), "factorized", 14);
        assertEquals("factorized", f.head());
        assertEquals(6, f.model().getInteger("preBits"));
        assertEquals(3e-4, f.train().learningRate());
        assertEquals(500, f.train().warmupSteps());
        assertEquals(0.05, f.train().weightDecay());
        assertEquals(0.95, f.train().beta2());
        ArTrainingConfig flat = ArTrainingConfig.fromJson(new JsonObject().put("batch", 16), "flat", 14);
        assertEquals("flat", flat.head());
        assertEquals(16, flat.batch());
        assertEquals(flat, ArTrainingConfig.fromJson(new JsonObject(flat.toJson().encode())));
        assertThrows(IllegalArgumentException.class, () -> ArTrainingConfig.fromJson(new JsonObject(), "mixed", 14));
        assertThrows(IllegalArgumentException.class, () -> ArTrainingConfig.fromJson(new JsonObject(), "flat", 18));
    }

    @Test
    void earlyStoppingKeepsTheBestAndStopsAfterThePatience() {
        List<Long> best = new ArrayList<>();
        boolean[] stopped = {false};
        EarlyStopping s = new EarlyStopping("val.bits", 2, Double.POSITIVE_INFINITY, (step, v) -> best.add(step),
                () -> stopped[0] = true);
        double[] values = {5.0, 4.0, 4.5, 3.9, 4.0, 4.1};
        for (int i = 0; i < values.length; i++) {
            s.onProgress(progress(i + 1, Map.of("val.bits", values[i])));
            s.onProgress(progress(i + 1, Map.of("loss", 1.0))); // steps without validation do not count
            assertEquals(i == 5, stopped[0], "after step " + (i + 1));
        }
        assertEquals(List.of(1L, 2L, 4L), best);
        assertEquals(3.9, s.best());
        assertEquals(4, s.bestStep());
        EarlyStopping never = new EarlyStopping("val.bits", 0, 1.0, (step, v) -> best.add(step), () -> stopped[0] = false);
        for (int i = 0; i < 10; i++) {
            never.onProgress(progress(i, Map.of("val.bits", 2.0)));
        }
        assertTrue(stopped[0]);
        assertFalse(best.contains(9L));
    }

    private static TrainingProgress progress(long step, Map<String, Double> metrics) {
        return new TrainingProgress(step, 100, 1.0, 1e-3, 1.0, 1.0, 1.0, metrics);
    }
}
