package dev.tessera.audio.serve;

import dev.tessera.audio.vocoder.EulerSampler;
import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.JobFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How one vocoding request wants its audio made: the request params of {@code tessera.audio.vocode},
 * checked at the boundary. Every front end (HTTP query, CLI flags) builds the same JSON and parses it
 * here, so a bad value is refused with the same message everywhere, naming the field.
 *
 * @param model {@value #VOCODER} (the flow-matching vocoder), {@value #GRIFFIN_LIM} (the baseline, 32 iterations)
 *     or {@value #VOCODER_TURBO} (the few-step students of the distill module, served on
 *     {@link Addresses#DISTILL_AUDIO_VOCODE})
 * @param steps ODE steps of the vocoder, 1..{@value #MAX_STEPS}; for {@value #VOCODER_TURBO} they pick the
 *     student (4, 2 or 1, default 4; the model answers which are installed); not used by Griffin-Lim
 * @param sampler {@code midpoint} (2 network evaluations per step) or {@code euler} (1); the students are
 *     trained on an Euler grid, so {@value #VOCODER_TURBO} takes (and defaults to) {@code euler} only
 * @param seed key of the starting noise (and of Griffin-Lim's initial phase): same seed, same audio
 * @param stream vocode window by window and publish each window's samples as a progress preview
 */
public record VocodeSettings(String model, int steps, String sampler, long seed, boolean stream) {

    public static final String VOCODER = "vocoder";
    public static final String GRIFFIN_LIM = "griffin-lim";
    public static final String VOCODER_TURBO = "vocoder-turbo";
    public static final List<String> MODELS = List.of(VOCODER, GRIFFIN_LIM, VOCODER_TURBO);
    /** The 4-step student, the default of {@value #VOCODER_TURBO}. */
    public static final int DEFAULT_TURBO_STEPS = 4;
    public static final List<String> SAMPLERS = List.of("midpoint", "euler");
    /** The teacher's default (audio spec 2.5): 16 midpoint steps, 32 network evaluations. */
    public static final int DEFAULT_STEPS = 16;
    public static final int MAX_STEPS = 64;
    public static final long DEFAULT_SEED = 1;
    /** tau, the scale of the starting noise (audio spec 2.5); fixed for the served teacher. */
    public static final double TEMPERATURE = 0.667;

    public static final VocodeSettings DEFAULT = new VocodeSettings(VOCODER, DEFAULT_STEPS, "midpoint", DEFAULT_SEED,
            false);

    public VocodeSettings {
        if (!MODELS.contains(model)) {
            throw JobFailure.badInput("model", "model must be one of " + MODELS + ", got '" + model + "'");
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw JobFailure.badInput("steps", "steps must be a whole number in 1.." + MAX_STEPS + ", got " + steps);
        }
        if (!SAMPLERS.contains(sampler)) {
            throw JobFailure.badInput("sampler", "sampler must be one of " + SAMPLERS + ", got '" + sampler + "'");
        }
        if (model.equals(VOCODER_TURBO) && !sampler.equals("euler")) {
            throw JobFailure.badInput("sampler", "the " + VOCODER_TURBO + " students were trained on a fixed Euler grid;"
                    + " sampler must be euler (the default for this model), got '" + sampler + "'");
        }
    }

    /** Reads the request params; absent keys take {@link #DEFAULT}'s values, bad ones fail naming the field. */
    public static VocodeSettings fromParams(JsonObject p) {
        String model = string(p, "model", DEFAULT.model());
        boolean turbo = model.equals(VOCODER_TURBO);
        return new VocodeSettings(
                model,
                (int) whole(p, "steps", turbo ? DEFAULT_TURBO_STEPS : DEFAULT.steps(), 1, MAX_STEPS),
                string(p, "sampler", turbo ? "euler" : DEFAULT.sampler()),
                whole(p, "seed", DEFAULT.seed(), Long.MIN_VALUE, Long.MAX_VALUE),
                bool(p, "stream"));
    }

    public JsonObject toParams() {
        return new JsonObject().put("model", model).put("steps", steps).put("sampler", sampler).put("seed", seed)
                .put("stream", stream);
    }

    public VocodeSettings withStream(boolean newStream) {
        return new VocodeSettings(model, steps, sampler, seed, newStream);
    }

    /** The bus address of the model: the students are served by the distill module's verticle. */
    public String address() {
        return model.equals(VOCODER_TURBO) ? Addresses.DISTILL_AUDIO_VOCODE : Addresses.AUDIO_VOCODE;
    }

    /** tau of the starting noise: the teacher's 0.667, or 1 for the students, which were trained at 1 (spec 4). */
    public double temperature() {
        return model.equals(VOCODER_TURBO) ? 1.0 : TEMPERATURE;
    }

    /** A fresh solver of this kind (solvers are cheap and hold no state between runs). */
    public FlowSampler flowSampler() {
        return sampler.equals("euler") ? new EulerSampler() : new MidpointSampler();
    }

    private static String string(JsonObject p, String key, String fallback) {
        Object v = p.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw JobFailure.badInput(key, key + " must be a string, got " + v);
        }
        return s;
    }

    private static long whole(JsonObject p, String key, long fallback, long min, long max) {
        Object v = p.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || (n instanceof Double || n instanceof Float) && n.doubleValue() != n.longValue()
                || n.longValue() < min || n.longValue() > max) {
            String range = min == Long.MIN_VALUE ? "" : " in " + min + ".." + max;
            throw JobFailure.badInput(key, key + " must be a whole number" + range + ", got " + v);
        }
        return n.longValue();
    }

    private static boolean bool(JsonObject p, String key) {
        Object v = p.getValue(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw JobFailure.badInput(key, key + " must be true or false, got " + v);
        }
        return b;
    }
}
