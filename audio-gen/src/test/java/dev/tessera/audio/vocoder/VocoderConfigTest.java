package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocoderConfigTest {

    @Test
    void jsonRoundTripsAndDefaultsToTheTinyBuild() {
        VocoderConfig c = VocoderConfig.TINY.withEnergy(0.028, 4.97).withPeriods(List.of(1, 2, 3));
        assertEquals(c, VocoderConfig.fromJson(new JsonObject(c.toJson().encode())));
        VocoderConfig d = VocoderConfig.fromJson(new JsonObject());
        assertEquals(List.of(1, 2, 3, 5, 7), d.periods());
        assertEquals(List.of(16, 32, 64, 128), d.channels());
        assertEquals(1e-4, d.sigmaMin());
        assertEquals(0.5, d.alpha());
        assertEquals(81, d.conditionChannels());
        assertEquals(8256, d.branchSamples(8192, 3));                                            // multiple of 64 * 3
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VocoderConfig.fromJson(new JsonObject().put("sigmamin", 0.1)));
        assertTrue(e.getMessage().contains("unknown keys [sigmamin]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VocoderConfig.fromJson(new JsonObject().put("periods", new JsonArray(List.of(2, 2)))));
        assertTrue(e.getMessage().contains("periods must be distinct"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VocoderConfig.fromJson(new JsonObject().put("energyMin", 5.0).put("energyMax", 1.0)));
        assertTrue(e.getMessage().contains("energyMin < energyMax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VocoderConfig.fromJson(new JsonObject().put("model", "hifigan")));
        assertTrue(e.getMessage().contains("expected 'periodwave'"), e.getMessage());
    }
}
