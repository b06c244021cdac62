package dev.tessera.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void aNodeWithoutModelsIsReady() {
        Readiness.Report report = Readiness.of("n1", List.of(), Set.of());
        assertTrue(report.ready());
        assertEquals(200, report.httpStatus());
        assertEquals(new JsonObject().put("status", "READY").put("node", "n1").put("models", new JsonObject()),
                report.body());
    }

    @Test
    void oneModelNotReadyMakesTheNodeNotReady() {
        Readiness.Report report = Readiness.of("n1",
                List.of(status("vocoder", ModelState.READY, "n1"), status("image", ModelState.FAILED, "n1")),
                Set.of());
        assertFalse(report.ready());
        assertEquals(503, report.httpStatus());
        JsonObject image = report.body().getJsonObject("models").getJsonObject("image");
        assertEquals("failed", image.getString("state"));
        assertEquals("image broke", image.getString("message"));
        assertEquals("ready", report.body().getJsonObject("models").getJsonObject("vocoder").getString("state"));
    }

    @Test
    void aModelReadyOnAnyNodeIsReadyAndShowsThatNode() {
        Readiness.Report report = Readiness.of("front",
                List.of(status("vocoder", ModelState.LOADING, "n1"), status("vocoder", ModelState.READY, "n2")),
                Set.of());
        assertTrue(report.ready());
        JsonObject vocoder = report.body().getJsonObject("models").getJsonObject("vocoder");
        assertEquals("n2", vocoder.getString("node"));
        assertEquals(2, vocoder.getInteger("instances"));
    }

    @Test
    void aLocalModelThatNeverReportedCountsAsFailed() {
        Readiness.Report report = Readiness.of("n1", List.of(), Set.of("vocoder"));
        assertFalse(report.ready());
        assertEquals("failed", report.body().getJsonObject("models").getJsonObject("vocoder").getString("state"));
        assertEquals(503, Readiness.ofModel("n1", "vocoder", List.of(), Set.of("vocoder")).orElseThrow().httpStatus());
    }

    @Test
    void oneModelsReportCarriesItsFieldsAndUnknownModelsHaveNone() {
        List<ModelStatus> statuses = List.of(status("vocoder", ModelState.READY, "n1"));
        JsonObject body = Readiness.ofModel("n1", "vocoder", statuses, Set.of()).orElseThrow().body();
        assertEquals("READY", body.getString("status"));
        assertEquals("vocoder", body.getString("model"));
        assertEquals("v3", body.getString("version"));
        assertEquals(4, body.getInteger("queue"));
        assertEquals(2, body.getInteger("lanes"));
        assertTrue(Readiness.ofModel("n1", "image", statuses, Set.of()).isEmpty());
    }

    private static ModelStatus status(String name, ModelState state, String node) {
        return new ModelStatus(name, "tessera." + name, state, "v3", node, 4, 2,
                state == ModelState.FAILED ? name + " broke" : "", System.currentTimeMillis());
    }
}
