package dev.tessera.image.data;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emoji-datasource metadata: every emoji with a Google image, its skin-tone variants, and the
 * category and subcategory each belongs to.
 *
 * <p>Entries are ordered by the datasource's {@code sort_order} (the Unicode emoji order), each base emoji
 * followed by its variants in the file's order. Categories and subcategories are numbered in the order of
 * {@code categories.json}, keeping only those that have images (10 categories, 99 subcategories in
 * emoji-datasource 16.0.0).
 */
public record EmojiCatalog(List<String> categories, List<String> subcategories, List<EmojiEntry> entries) {

    public EmojiCatalog {
        categories = List.copyOf(categories);
        subcategories = List.copyOf(subcategories);
        entries = List.copyOf(entries);
    }

    /** Reads {@code emoji.json} and {@code categories.json} from the raw folder of {@code scripts/data/emoji.sh}. */
    public static EmojiCatalog read(Path rawDir) throws IOException {
        Path emoji = rawDir.resolve("emoji.json");
        Path categories = rawDir.resolve("categories.json");
        for (Path p : List.of(emoji, categories)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null,
                        "emoji metadata missing; run `scripts/fetch-data emoji` first");
            }
        }
        return parse(Files.readString(emoji), Files.readString(categories));
    }

    /** Parses the two JSON documents; see the class comment for the ordering. */
    public static EmojiCatalog parse(String emojiJson, String categoriesJson) {
        JsonArray all;
        JsonObject tree;
        try {
            all = new JsonArray(emojiJson);
            tree = new JsonObject(categoriesJson);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("emoji metadata is not valid JSON: " + e.getMessage(), e);
        }
        List<JsonObject> bases = new ArrayList<>();
        for (Object o : all) {
            JsonObject e = (JsonObject) o;
            if (e.getBoolean("has_img_google", false)) {
                bases.add(e);
            }
        }
        bases.sort(Comparator.comparingInt(e -> e.getInteger("sort_order", Integer.MAX_VALUE)));

        // Category and subcategory order from categories.json, restricted to those in use.
        Map<String, Boolean> usedCategories = new LinkedHashMap<>();
        Map<String, Boolean> usedSubcategories = new LinkedHashMap<>();
        for (JsonObject e : bases) {
            usedCategories.put(e.getString("category"), true);
            usedSubcategories.put(e.getString("subcategory"), true);
        }
        List<String> categories = new ArrayList<>();
        List<String> subcategories = new ArrayList<>();
        for (String c : tree.fieldNames()) {
            if (usedCategories.containsKey(c)) {
                categories.add(c);
            }
            JsonObject subs = tree.getJsonObject(c, new JsonObject());
            for (String s : subs.fieldNames()) {
                if (usedSubcategories.containsKey(s) && !subcategories.contains(s)) {
                    subcategories.add(s);
                }
            }
        }
        // Anything categories.json does not list goes last, in order of first appearance.
        usedCategories.keySet().stream().filter(c -> !categories.contains(c)).forEach(categories::add);
        usedSubcategories.keySet().stream().filter(s -> !subcategories.contains(s)).forEach(subcategories::add);

        List<EmojiEntry> entries = new ArrayList<>();
        for (JsonObject e : bases) {
            String unified = e.getString("unified");
            String shortName = e.getString("short_name", unified);
            String name = e.getString("name", shortName);
            int category = categories.indexOf(e.getString("category"));
            int subcategory = subcategories.indexOf(e.getString("subcategory"));
            entries.add(new EmojiEntry(unified, shortName, name, category, subcategory, e.getString("image"), unified));
            JsonObject variations = e.getJsonObject("skin_variations");
            if (variations != null) {
                for (String key : variations.fieldNames()) {
                    JsonObject v = variations.getJsonObject(key);
                    if (v.getBoolean("has_img_google", false)) {
                        entries.add(new EmojiEntry(v.getString("unified"), shortName, name, category, subcategory,
                                v.getString("image"), unified));
                    }
                }
            }
        }
        return new EmojiCatalog(categories, subcategories, entries);
    }
}
