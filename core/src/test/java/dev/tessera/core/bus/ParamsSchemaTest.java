package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A schema built with {@link ParamsSchema} checks params field by field. */
class ParamsSchemaTest {

    static final JsonObject SCHEMA = ParamsSchema.of("m", "a model")
            .choice("class", "class", List.of("circle", "star"), true, null)
            .integer("count", "images", 1, 8, 1L)
            .number("topP", "mass", 0, true, 1, 0.96)
            .bool("stream", "stream", false)
            .upload("input", "a WAV", "audio/wav", "pcm", 22_050)
            .output("audio", 22_050)
            .toJson();

    @Test
    void goodParamsPassAndEachBadFieldIsNamed() {
        assertEquals(new JsonObject(), ParamsSchema.validate(SCHEMA, new JsonObject().put("class", "star")
                .put("count", 8).put("topP", 1.0).put("stream", true).put("input", "id")));
        assertEquals(new JsonObject(), ParamsSchema.validate(SCHEMA, new JsonObject().putNull("class").put("input", "x")),
                "null is a class (unconditional) and 2.0 is a whole number");
        JsonObject errors = ParamsSchema.validate(SCHEMA, new JsonObject().put("class", "square").put("count", 2.5)
                .put("topP", 0).put("stream", "yes").put("top_k", 3));
        assertEquals(6, errors.size(), errors.encode());
        assertTrue(errors.getString("class").contains("must be one of [\"circle\",\"star\",null]"), errors.encode());
        assertEquals("count must be a whole number, got 2.5", errors.getString("count"));
        assertEquals("topP must be in (0, 1], got 0", errors.getString("topP"));
        assertTrue(errors.getString("stream").startsWith("stream must be boolean"), errors.encode());
        assertTrue(errors.getString("top_k").startsWith("unknown parameter 'top_k'"), errors.encode());
        assertEquals("input is required", errors.getString("input"));
        assertEquals("count must be in [1, 8], got 9",
                ParamsSchema.validate(SCHEMA, new JsonObject().put("count", 9).put("input", "x")).getString("count"));
    }
}
