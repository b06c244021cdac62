package dev.tessera.core.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's request parameters, described as a small subset of JSON Schema so that any front end (the
 * studio page, a REST client, another node) can build a form and check a request without the model's
 * classes. The model's own {@code parse} stays the authority; this is the boundary check a front end runs
 * before anything is queued (serving spec 2.1: "generate is validated against the model's parameter schema").
 *
 * <p>The subset: an object with {@code properties}, {@code required} and {@code additionalProperties:false};
 * each property has {@code type} ({@code integer}, {@code number}, {@code string}, {@code boolean}, or a list
 * of those and {@code null}), and optionally {@code title}, {@code description}, {@code default},
 * {@code minimum}, {@code maximum}, {@code exclusiveMinimum} and {@code enum}. Two Tessera extensions:
 * <ul>
 *   <li>{@code x-upload} on a string property: the value is the id of a file uploaded to the front end
 *       ({@code {mime, blob, sampleRate?}}); the front end decodes it and sends it as the named blob.</li>
 *   <li>{@code x-tessera} on the schema: {@code output} ({@code image} | {@code audio}), {@code sampleRate}
 *       of audio output, {@code timeoutMs} (the default deadline), and {@code previews} {@code {param, value}}
 *       (the parameter that switches streamed previews on, e.g. the vocoder's {@code stream:true}).</li>
 * </ul>
 */
public final class ParamsSchema {

    public static final String UPLOAD = "x-upload";
    public static final String TESSERA = "x-tessera";

    private final JsonObject properties = new JsonObject();
    private final JsonArray required = new JsonArray();
    private final JsonObject tessera = new JsonObject();
    private final String title;
    private final String description;

    private ParamsSchema(String title, String description) {
        this.title = title;
        this.description = description;
    }

    /** A new schema for the model {@code title}, with a one-line {@code description}. */
    public static ParamsSchema of(String title, String description) {
        return new ParamsSchema(title, description);
    }

    /** A whole number in {@code [min, max]}; {@code fallback} null for "no default" (e.g. a random seed). */
    public ParamsSchema integer(String name, String text, long min, long max, Long fallback) {
        JsonObject p = property("integer", text).put("minimum", min).put("maximum", max);
        if (fallback != null) {
            p.put("default", fallback);
        }
        properties.put(name, p);
        return this;
    }

    /** A number in {@code [min, max]}, or {@code (min, max]} when {@code exclusiveMin}. */
    public ParamsSchema number(String name, String text, double min, boolean exclusiveMin, double max,
                               double fallback) {
        JsonObject p = property("number", text).put("maximum", max).put("default", fallback);
        p.put(exclusiveMin ? "exclusiveMinimum" : "minimum", min);
        properties.put(name, p);
        return this;
    }

    public ParamsSchema bool(String name, String text, boolean fallback) {
        properties.put(name, property("boolean", text).put("default", fallback));
        return this;
    }

    /** One of {@code choices}; with {@code nullable}, null (shown as "none") too. */
    public ParamsSchema choice(String name, String text, List<String> choices, boolean nullable, String fallback) {
        JsonArray values = new JsonArray(new ArrayList<>(choices));
        JsonArray type = new JsonArray().add("string");
        if (nullable) {
            values.addNull();
            type.add("null");
        }
        properties.put(name, new JsonObject().put("type", type.size() == 1 ? "string" : type).put("title", name)
                .put("description", text).put("enum", values).put("default", fallback));
        return this;
    }

    /**
     * A file the client uploads first; the request carries its id and the front end sends the decoded file
     * as blob {@code blob}.
     *
     * @param mime the accepted type, e.g. {@code audio/wav}
     * @param sampleRate the rate audio must have, or 0 when any
     */
    public ParamsSchema upload(String name, String text, String mime, String blob, int sampleRate) {
        JsonObject upload = new JsonObject().put("mime", mime).put("blob", blob);
        if (sampleRate > 0) {
            upload.put("sampleRate", sampleRate);
        }
        properties.put(name, property("string", text).put(UPLOAD, upload));
        required.add(name);
        return this;
    }

    /** What the model makes: {@code image} or {@code audio} (with its sample rate; 0 for images). */
    public ParamsSchema output(String kind, int sampleRate) {
        tessera.put("output", kind);
        if (sampleRate > 0) {
            tessera.put("sampleRate", sampleRate);
        }
        return this;
    }

    /** The deadline a front end gives a request that names none, in milliseconds. */
    public ParamsSchema timeoutMs(long millis) {
        tessera.put("timeoutMs", millis);
        return this;
    }

    /** The parameter and value that switch streamed previews on (a front end sets it when asked for previews). */
    public ParamsSchema previews(String param, Object value) {
        tessera.put("previews", new JsonObject().put("param", param).put("value", value));
        return this;
    }

    public JsonObject toJson() {
        return new JsonObject().put("title", title).put("description", description).put("type", "object")
                .put("properties", properties.copy()).put("required", required.copy())
                .put("additionalProperties", false).put(TESSERA, tessera.copy());
    }

    private static JsonObject property(String type, String text) {
        return new JsonObject().put("type", type).put("description", text);
    }

    /**
     * Checks {@code params} against {@code schema}: every reason by field name, empty when the params pass.
     * Unknown fields are refused (a typo such as {@code top_k} is not silently ignored); missing optional
     * fields are fine (the model applies its defaults).
     */
    public static JsonObject validate(JsonObject schema, JsonObject params) {
        JsonObject errors = new JsonObject();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        for (String name : params.fieldNames()) {
            JsonObject p = props.getJsonObject(name);
            if (p == null) {
                errors.put(name, "unknown parameter '" + name + "'; known: " + new java.util.TreeSet<>(props.fieldNames()));
                continue;
            }
            String problem = check(name, p, params.getValue(name));
            if (problem != null) {
                errors.put(name, problem);
            }
        }
        for (Object r : schema.getJsonArray("required", new JsonArray())) {
            if (r instanceof String name && params.getValue(name) == null) {
                errors.put(name, name + " is required");
            }
        }
        return errors;
    }

    private static String check(String name, JsonObject p, Object v) {
        List<String> types = new ArrayList<>();
        Object t = p.getValue("type");
        if (t instanceof String s) {
            types.add(s);
        } else if (t instanceof JsonArray a) {
            a.forEach(x -> types.add(String.valueOf(x)));
        }
        if (v == null) {
            return types.contains("null") ? null : name + " must not be null";
        }
        boolean typed = false;
        for (String type : types) {
            typed |= switch (type) {
                case "integer" -> v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        && !Double.isInfinite(n.doubleValue());
                case "number" -> v instanceof Number n && Double.isFinite(n.doubleValue());
                case "string" -> v instanceof String;
                case "boolean" -> v instanceof Boolean;
                default -> false;
            };
        }
        if (!typed) {
            return name + " must be " + String.join(" or ", types.stream().map(x -> x.equals("integer")
                    ? "a whole number" : x.equals("number") ? "a number" : x).toList()) + ", got " + describe(v);
        }
        if (p.getValue("enum") instanceof JsonArray choices && !choices.contains(v)) {
            return name + " must be one of " + choices.encode() + ", got " + describe(v);
        }
        if (v instanceof Number n) {
            double x = n.doubleValue();
            Number min = p.getValue("minimum") instanceof Number m ? m : null;
            Number exMin = p.getValue("exclusiveMinimum") instanceof Number m ? m : null;
            Number max = p.getValue("maximum") instanceof Number m ? m : null;
            if ((min != null && x < min.doubleValue()) || (exMin != null && x <= exMin.doubleValue())
                    || (max != null && x > max.doubleValue())) {
                return name + " must be in " + (exMin != null ? "(" + number(exMin) : "[" + (min == null ? "-inf"
                        : number(min))) + ", " + (max == null ? "inf" : number(max)) + "], got " + v;
            }
        }
        return null;
    }

    /** A bound as a person writes it: 1 rather than 1.0. */
    private static String number(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String describe(Object v) {
        return v instanceof String s ? "'" + s + "'" : v instanceof Map || v instanceof JsonObject ? "an object"
                : String.valueOf(v);
    }
}
