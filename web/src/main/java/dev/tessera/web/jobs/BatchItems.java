package dev.tessera.web.jobs;

import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.image.sample.SubTokenSampling;
import dev.tessera.image.serve.ImageVerticle;
import dev.tessera.web.api.VocodeRoutes;
import dev.tessera.web.jobs.JobStore.ItemSpec;
import dev.tessera.web.server.ApiError;
import dev.tessera.web.server.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleConsumer;
import java.util.regex.Pattern;

/**
 * The items of a batch (serving spec 3.4), checked in full before anything is stored: a body
 * {@code {name?, items:[{kind, model?, params, output}]}} with 1..{@value #MAX_ITEMS} items.
 *
 * <ul>
 *   <li>{@code kind: "image"}, {@code model: "image-ar"} (the default): params of {@code tessera.image.generate}
 *       ({@code class, seed, temperature, topK, topP, cfgScale, cfgInterval}), one image per item; output
 *       {@code *.png}. A seed is drawn and stored when none is given, so every attempt draws the same image.</li>
 *   <li>{@code kind: "audio"}, {@code model: "vocoder"} (default) or {@code "griffin-lim"}: params
 *       {@code steps, sampler, seed} of {@code tessera.audio.vocode} and exactly one input: {@code input}, the
 *       path of a {@code .wav} or {@code .npy} file under the server's input folder ({@code --inputs}), or
 *       {@code wav} / {@code npy}, the file inline as base64; output {@code *.wav}. The input is decoded and
 *       checked (22,050 Hz, at most 120 s, an (80, frames) mel) at submission.</li>
 *   <li>{@code output}: a file name, unique in the batch: letters, digits, {@code . _ -}, at most 128
 *       characters, not starting with a dot; no folders.</li>
 * </ul>
 *
 * Every problem is reported at once, as {@code details.fields["items[i].field"]} of one 400.
 */
public final class BatchItems {

    public static final int MAX_ITEMS = 10_000;
    public static final String IMAGE = "image";
    public static final String AUDIO = "audio";
    /** An output's name: one path segment, no leading dot (temporary files start with one). */
    public static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** At most this many fields are listed in a 400, so the error stays readable for a 10,000-item batch. */
    static final int MAX_REPORTED = 100;

    static final Set<String> ITEM_KEYS = Set.of("kind", "model", "params", "output");
    static final Set<String> IMAGE_KEYS = Set.of("class", "seed", "temperature", "topK", "topP", "cfgScale",
            "cfgInterval", "count");
    static final Set<String> AUDIO_KEYS = Set.of("input", "wav", "npy", "steps", "sampler", "seed");

    private BatchItems() {
    }

    /** A checked batch body: its name and items, ready for {@link JobStore#submit}. */
    public record Parsed(String name, List<ItemSpec> items) {
    }

    /**
     * Checks a batch body. Blocking (it decodes audio inputs): call it on a worker.
     *
     * @param inputs the folder audio {@code input} paths are resolved in, or null when paths are not accepted
     */
    public static Parsed parse(JsonObject body, Path inputs) {
        Map<String, String> problems = new LinkedHashMap<>();
        Object nameValue = body.getValue("name");
        if (nameValue != null && !(nameValue instanceof String n && n.length() <= 200)) {
            problems.put("name", "name must be a string of at most 200 characters");
        }
        for (String key : body.fieldNames()) {
            if (!key.equals("name") && !key.equals("items")) {
                problems.put(key, "unknown field '" + key + "'; a batch is {name?, items:[...]}");
            }
        }
        Object itemsValue = body.getValue("items");
        if (!(itemsValue instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_ITEMS) {
            problems.put("items", "items must be a list of 1.." + MAX_ITEMS + " items {kind, model, params, output}");
            throw invalid(problems, 0);
        }
        List<ItemSpec> items = new ArrayList<>(array.size());
        Set<String> outputs = new HashSet<>();
        int bad = 0;
        for (int i = 0; i < array.size(); i++) {
            String at = "items[" + i + "]";
            int before = problems.size();
            try {
                ItemSpec item = item(i, array.getValue(i), inputs, at, problems);
                if (item != null && !outputs.add(item.output())) {
                    problems.put(at + ".output", "output '" + item.output() + "' is used by an earlier item; "
                            + "each output name must be unique in the batch");
                }
                items.add(item);
            } catch (JobFailure f) {
                problems.put(at + "." + field(f), f.getMessage());
            }
            if (problems.size() > before) {
                bad++;
            }
        }
        if (!problems.isEmpty()) {
            throw invalid(problems, bad);
        }
        return new Parsed((String) nameValue, items);
    }

    private static ApiException invalid(Map<String, String> problems, int badItems) {
        JsonObject fields = new JsonObject();
        problems.entrySet().stream().limit(MAX_REPORTED).forEach(e -> fields.put(e.getKey(), e.getValue()));
        String first = problems.entrySet().iterator().next().getKey() + ": " + problems.values().iterator().next();
        String message = (badItems > 0 ? badItems + (badItems == 1 ? " item is" : " items are") + " invalid"
                : "the batch is invalid") + "; nothing was queued (details.fields lists " + fields.size()
                + (problems.size() > fields.size() ? " of " + problems.size() : "") + " problems). First: " + first;
        return new ApiException(ApiError.badInput(message).withDetails(new JsonObject().put("fields", fields)));
    }

    private static String field(JobFailure f) {
        JsonObject fields = f.details() == null ? null : f.details().getJsonObject("fields");
        return fields == null || fields.isEmpty() ? "params" : "params." + fields.fieldNames().iterator().next();
    }

    private static ItemSpec item(int index, Object value, Path inputs, String at, Map<String, String> problems) {
        if (!(value instanceof JsonObject item)) {
            problems.put(at, "an item must be an object {kind, model, params, output}");
            return null;
        }
        for (String key : new TreeSet<>(item.fieldNames())) {
            if (!ITEM_KEYS.contains(key)) {
                problems.put(at + "." + key, "unknown field '" + key + "'; an item has " + new TreeSet<>(ITEM_KEYS));
            }
        }
        String kind = item.getValue("kind") instanceof String k ? k : null;
        if (!IMAGE.equals(kind) && !AUDIO.equals(kind)) {
            problems.put(at + ".kind", "kind must be \"image\" or \"audio\", got " + item.getValue("kind"));
            return null;
        }
        boolean image = IMAGE.equals(kind);
        Object modelValue = item.getValue("model");
        String model = modelValue == null ? (image ? ImageVerticle.NAME : VocodeSettings.VOCODER)
                : modelValue instanceof String m ? m : "";
        List<String> models = image ? List.of(ImageVerticle.NAME) : VocodeSettings.MODELS;
        if (!models.contains(model)) {
            problems.put(at + ".model", "model of a " + kind + " item must be one of " + models + ", got " + modelValue);
        }
        Object outputValue = item.getValue("output");
        String extension = image ? ".png" : ".wav";
        String output = outputValue instanceof String o ? o : null;
        if (output == null || !OUTPUT_NAME.matcher(output).matches()
                || !output.toLowerCase(Locale.ROOT).endsWith(extension)) {
            problems.put(at + ".output", "output must be a file name ending in " + extension + " (letters, digits, "
                    + "'.', '_', '-'; at most 128; no folders, no leading dot), got " + outputValue);
        }
        Object paramsValue = item.getValue("params", new JsonObject());
        if (!(paramsValue instanceof JsonObject params)) {
            problems.put(at + ".params", "params must be an object");
            return null;
        }
        JsonObject checked = image ? imageParams(params) : audioParams(params, model, inputs);
        String lane = image ? Addresses.IMAGE_GENERATE : Addresses.AUDIO_VOCODE;
        return new ItemSpec(index, kind, model, lane, checked, output == null ? "" : output);
    }

    /** Image params, checked as far as is possible without the model (class names are checked when it runs). */
    static JsonObject imageParams(JsonObject p) {
        for (String key : new TreeSet<>(p.fieldNames())) {
            if (!IMAGE_KEYS.contains(key)) {
                throw JobFailure.badInput(key, "unknown parameter '" + key + "'; an image item takes "
                        + new TreeSet<>(IMAGE_KEYS));
            }
        }
        JsonObject out = p.copy();
        Object count = p.getValue("count");
        if (count != null && !(count instanceof Number n && n.doubleValue() == 1)) {
            throw JobFailure.badInput("count", "an image item makes one image (count 1); add more items instead, got "
                    + count);
        }
        out.remove("count");
        Object cls = p.getValue("class");
        if (cls != null && !(cls instanceof String) && !(cls instanceof Number n && n.doubleValue() == Math.rint(
                n.doubleValue()) && n.doubleValue() >= 0)) {
            throw JobFailure.badInput("class", "class must be a class name, an index >= 0, or null; got " + cls);
        }
        Object seed = p.getValue("seed");
        if (seed == null) {
            // Drawn once and stored, so a retried item draws the same image (below 2^53, exact in JSON).
            out.put("seed", ThreadLocalRandom.current().nextLong(1L << 53));
        } else if (!(seed instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw JobFailure.badInput("seed", "seed must be a whole number, got " + seed);
        }
        checkNumbers(p, "temperature", SubTokenSampling::requireTemperature);
        checkNumbers(p, "topP", SubTokenSampling::requireTopP);
        checkNumbers(p, "cfgScale", SubTokenSampling::requireCfgScale);
        checkNumbers(p, "topK", k -> {
            if (k != Math.rint(k) || k < 0) {
                throw new IllegalArgumentException("topK must be a whole number >= 0 (0 = off), got " + k);
            }
        });
        Object interval = p.getValue("cfgInterval");
        if (interval != null && !(interval instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= 0)) {
            throw JobFailure.badInput("cfgInterval", "cfgInterval must be a whole number >= 0, got " + interval);
        }
        return out;
    }

    /** A number for both sub-tokens or a pair [pre, post], each passing {@code check}. */
    private static void checkNumbers(JsonObject p, String key, DoubleConsumer check) {
        Object v = p.getValue(key);
        if (v == null) {
            return;
        }
        List<Object> values = v instanceof JsonArray a && a.size() == 2 ? a.getList() : List.of(v);
        for (Object x : values) {
            if (!(x instanceof Number n)) {
                throw JobFailure.badInput(key, key + " must be a number or a pair [pre, post] of numbers, got " + v);
            }
            try {
                check.accept(n.doubleValue());
            } catch (IllegalArgumentException e) {
                throw JobFailure.badInput(key, e.getMessage());
            }
        }
    }

    /** Audio params: the settings and the input, decoded and checked now so a bad file is a 400, not a failure later. */
    static JsonObject audioParams(JsonObject p, String model, Path inputs) {
        for (String key : new TreeSet<>(p.fieldNames())) {
            if (!AUDIO_KEYS.contains(key)) {
                throw JobFailure.badInput(key, "unknown parameter '" + key + "'; an audio item takes "
                        + new TreeSet<>(AUDIO_KEYS));
            }
        }
        if (VocodeSettings.MODELS.contains(model)) {
            vocodeSettings(p, model);
        }
        input(p, inputs);
        return p.copy();
    }

    /**
     * The vocoder's input blob of an audio item: the file {@code input} names under {@code inputs}, or the
     * inline {@code wav} / {@code npy}. Blocking (reads and decodes the file).
     */
    public static VocodeRoutes.Input input(JsonObject p, Path inputs) {
        List<String> given = new ArrayList<>();
        for (String key : List.of("input", "wav", "npy")) {
            if (p.getValue(key) != null) {
                given.add(key);
            }
        }
        if (given.size() != 1) {
            throw JobFailure.badInput(given.isEmpty() ? "input" : given.get(1), "give exactly one of input (a .wav or "
                    + ".npy path under the server's input folder), wav or npy (the file as base64); got " + given);
        }
        String key = given.get(0);
        if (!(p.getValue(key) instanceof String text)) {
            throw JobFailure.badInput(key, key + " must be a string");
        }
        byte[] bytes;
        boolean wav;
        if (key.equals("input")) {
            Path file = inputFile(text, inputs);
            wav = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav");
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw JobFailure.badInput("input", "cannot read input '" + text + "': " + e.getMessage());
            }
        } else {
            wav = key.equals("wav");
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw JobFailure.badInput(key, key + " is not valid base64: " + e.getMessage());
            }
        }
        try {
            return wav ? VocodeRoutes.fromWav(bytes) : VocodeRoutes.fromNpy(bytes);
        } catch (ApiException e) {
            throw new JobFailure(e.error().status() == 413 ? dev.tessera.core.bus.FailureCode.TOO_LARGE
                    : dev.tessera.core.bus.FailureCode.BAD_INPUT, e.error().message(), -1,
                    new JsonObject().put("fields", new JsonObject().put(key, e.error().message())), null);
        }
    }

    /** An input path, resolved inside {@code inputs}; anything that leaves it, or is not a .wav/.npy file, is refused. */
    static Path inputFile(String name, Path inputs) {
        if (inputs == null) {
            throw JobFailure.badInput("input", "this server accepts no input paths (start it with --inputs DIR); "
                    + "send the file inline as wav or npy (base64)");
        }
        Path root = inputs.toAbsolutePath().normalize();
        Path file;
        try {
            file = root.resolve(name).normalize();
        } catch (RuntimeException e) {
            throw JobFailure.badInput("input", "input '" + name + "' is not a valid path");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || Path.of(name).isAbsolute() || name.contains("\\") || !file.startsWith(root)
                || !(lower.endsWith(".wav") || lower.endsWith(".npy"))) {
            throw JobFailure.badInput("input", "input must be a relative path to a .wav or .npy file inside the "
                    + "server's input folder, got '" + name + "'");
        }
        try {
            if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(root.toRealPath())) {
                throw JobFailure.badInput("input", "no input file '" + name + "' in the server's input folder");
            }
        } catch (IOException e) {
            throw JobFailure.badInput("input", "no input file '" + name + "' in the server's input folder");
        }
        return file;
    }

    /** What an item sends its model: image params with one image and no previews; audio settings and input blob. */
    public static TesseraPayload request(JobStore.Lease item, Path inputs) {
        JsonObject p = item.params();
        if (IMAGE.equals(item.kind())) {
            return TesseraPayload.of(p.copy().put("count", 1).put("previewEvery", 0));
        }
        return TesseraPayload.of(vocodeSettings(p, item.model()).toParams(), input(p, inputs).blob());
    }

    /** The vocoder settings of an audio item's params (its input keys aside). */
    private static VocodeSettings vocodeSettings(JsonObject p, String model) {
        JsonObject settings = new JsonObject().put("model", model);
        for (String key : List.of("steps", "sampler", "seed")) {
            if (p.containsKey(key)) {
                settings.put(key, p.getValue(key));
            }
        }
        return VocodeSettings.fromParams(settings);
    }
}
