package dev.tessera.image.data;

import dev.tessera.core.checkpoint.SafeTensors;
import dev.tessera.core.checkpoint.SafeTensorsFile;
import dev.tessera.core.checkpoint.TensorData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * The Noto emoji set at 32x32 (specs/image.md 1.1): images labelled by category (10 classes) and
 * subcategory, with the fixed held-out split of {@link EmojiSplit}.
 *
 * <p>{@code scripts/fetch-data emoji} puts the 64x64 PNGs and the metadata in {@code data/emoji/raw};
 * {@link #load} prepares them once (see {@link RgbImages} for the compositing and resampling) and caches
 * the result beside them:
 * <ul>
 *   <li>{@code emoji32.safetensors}: {@code images} U8 {@code (N, 32, 32, 3)}, {@code category} I32
 *       {@code (N)}, {@code subcategory} I32 {@code (N)}, {@code heldOut} U8 {@code (N)}; the class names and
 *       the source version in its metadata;</li>
 *   <li>{@code index.json}: one record per image (code points, names, category, subcategory, group,
 *       split), for people and other tools.</li>
 * </ul>
 *
 * @param images the images, labelled by category
 * @param subcategories {@code (N)} subcategory of each image, into {@code subcategoryNames}
 * @param subcategoryNames names of the subcategories
 * @param heldOut {@code (N)} true for the held-out images
 * @param entries {@code (N)} what each image is
 * @param source the data's origin, e.g. {@code emoji-datasource-google 16.0.0}
 */
public record EmojiDataset(ImageSet images, int[] subcategories, List<String> subcategoryNames, boolean[] heldOut,
                           List<EmojiEntry> entries, String source) {

    public static final int SIZE = 32;
    public static final int SOURCE_SIZE = 64;
    public static final String TENSORS_FILE = "emoji32.safetensors";
    public static final String INDEX_FILE = "index.json";
    public static final String RESAMPLING = "RGBA composited on white in sRGB values, 2x2 area average, rounded to uint8";

    public EmojiDataset {
        subcategoryNames = List.copyOf(subcategoryNames);
        entries = List.copyOf(entries);
        int n = images.count();
        if (subcategories.length != n || heldOut.length != n || entries.size() != n) {
            throw new IllegalArgumentException("expected " + n + " subcategories, split flags and entries, got "
                    + subcategories.length + ", " + heldOut.length + " and " + entries.size());
        }
    }

    /** Loads the prepared set from {@code emojiDir} ({@code data/emoji}), preparing and caching it first if needed. */
    public static EmojiDataset load(Path emojiDir) throws IOException {
        Path raw = emojiDir.resolve("raw");
        Path tensors = emojiDir.resolve(TENSORS_FILE);
        String rawSource = Files.isRegularFile(raw.resolve("VERSION")) ? sourceOf(raw) : null;
        if (Files.isRegularFile(tensors) && Files.isRegularFile(emojiDir.resolve(INDEX_FILE))) {
            EmojiDataset cached = readCache(emojiDir);
            if (rawSource == null || rawSource.equals(cached.source())) {
                return cached;
            }
        }
        if (rawSource == null) {
            throw new NoSuchFileException(raw.toString(), null,
                    "no emoji data; run `scripts/fetch-data emoji` (it needs npm) first");
        }
        EmojiDataset prepared = prepare(raw);
        prepared.save(emojiDir);
        return prepared;
    }

    /** Decodes, composites and downsamples every PNG of {@code rawDir} and computes the split; no caching. */
    public static EmojiDataset prepare(Path rawDir) throws IOException {
        EmojiCatalog catalog = EmojiCatalog.read(rawDir);
        List<EmojiEntry> entries = catalog.entries();
        int per = 3 * SIZE * SIZE;
        byte[] pixels = new byte[entries.size() * per];
        int[] categories = new int[entries.size()];
        int[] subcategories = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            EmojiEntry e = entries.get(i);
            Path png = rawDir.resolve("img").resolve(e.image());
            BufferedImage img = ImageIO.read(png.toFile());
            if (img == null) {
                throw new IOException(png + " is not a readable PNG; re-run `scripts/fetch-data emoji`");
            }
            if (img.getWidth() != SOURCE_SIZE || img.getHeight() != SOURCE_SIZE) {
                throw new IOException("expected " + SOURCE_SIZE + "x" + SOURCE_SIZE + " emoji, " + png + " is "
                        + img.getWidth() + "x" + img.getHeight());
            }
            float[] rgb = RgbImages.areaDownsample(RgbImages.compositeOnWhite(img), SOURCE_SIZE, SOURCE_SIZE,
                    SOURCE_SIZE / SIZE);
            System.arraycopy(RgbImages.toBytes(rgb), 0, pixels, i * per, per);
            categories[i] = e.category();
            subcategories[i] = e.subcategory();
        }
        ImageSet images = new ImageSet(SIZE, pixels, categories, catalog.categories());
        return new EmojiDataset(images, subcategories, catalog.subcategories(), EmojiSplit.heldOut(entries), entries,
                sourceOf(rawDir));
    }

    public List<String> categoryNames() {
        return images.classNames();
    }

    public int[] trainIndices() {
        return IntStream.range(0, heldOut.length).filter(i -> !heldOut[i]).toArray();
    }

    public int[] heldOutIndices() {
        return IntStream.range(0, heldOut.length).filter(i -> heldOut[i]).toArray();
    }

    /** The training images (labelled by category). */
    public ImageSet train() {
        return images.subset(trainIndices());
    }

    /** The held-out images (labelled by category). */
    public ImageSet heldOutSet() {
        return images.subset(heldOutIndices());
    }

    /** Images per category: {@code [category][0]} training, {@code [category][1]} held out. */
    public int[][] countsByCategory() {
        int[][] counts = new int[categoryNames().size()][2];
        for (int i = 0; i < heldOut.length; i++) {
            counts[images.labels()[i]][heldOut[i] ? 1 : 0]++;
        }
        return counts;
    }

    /** Writes {@link #TENSORS_FILE} and {@link #INDEX_FILE} into {@code emojiDir} (each atomically). */
    public void save(Path emojiDir) throws IOException {
        int n = images.count();
        byte[] split = new byte[n];
        for (int i = 0; i < n; i++) {
            split[i] = (byte) (heldOut[i] ? 1 : 0);
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("images", TensorData.ofBytes(new long[] {n, SIZE, SIZE, 3}, images.pixels()));
        tensors.put("category", TensorData.ofInts(new long[] {n}, images.labels()));
        tensors.put("subcategory", TensorData.ofInts(new long[] {n}, subcategories));
        tensors.put("heldOut", TensorData.ofBytes(new long[] {n}, split));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", source);
        meta.put("categories", new JsonArray(new ArrayList<>(categoryNames())).encode());
        meta.put("subcategories", new JsonArray(new ArrayList<>(subcategoryNames)).encode());
        meta.put("resampling", RESAMPLING);
        meta.put("split", splitDescription());
        Files.createDirectories(emojiDir);
        SafeTensors.write(emojiDir.resolve(TENSORS_FILE), tensors, meta);

        JsonArray rows = new JsonArray();
        for (int i = 0; i < n; i++) {
            EmojiEntry e = entries.get(i);
            rows.add(new JsonObject().put("index", i).put("unified", e.unified()).put("shortName", e.shortName())
                    .put("name", e.name()).put("category", categoryNames().get(e.category()))
                    .put("subcategory", subcategoryNames.get(e.subcategory())).put("image", e.image())
                    .put("group", e.group()).put("heldOut", heldOut[i]));
        }
        JsonObject index = new JsonObject().put("source", source).put("size", SIZE).put("resampling", RESAMPLING)
                .put("split", splitDescription()).put("categories", new JsonArray(new ArrayList<>(categoryNames())))
                .put("subcategories", new JsonArray(new ArrayList<>(subcategoryNames))).put("images", rows);
        Path tmp = Files.createTempFile(emojiDir.toAbsolutePath(), "." + INDEX_FILE, ".tmp");
        try {
            Files.writeString(tmp, index.encodePrettily() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, emojiDir.resolve(INDEX_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static EmojiDataset readCache(Path emojiDir) throws IOException {
        SafeTensorsFile f = SafeTensors.read(emojiDir.resolve(TENSORS_FILE));
        TensorData img = f.tensor("images");
        byte[] pixels = new byte[(int) img.numel()];
        img.bytes().get(pixels);
        int[] categories = toInts(f.tensor("category"));
        int[] subcategories = toInts(f.tensor("subcategory"));
        long[] split = f.tensor("heldOut").toLongs();
        boolean[] heldOut = new boolean[split.length];
        for (int i = 0; i < split.length; i++) {
            heldOut[i] = split[i] != 0;
        }
        List<String> categoryNames = strings(new JsonArray(f.metadata().get("categories")));
        List<String> subcategoryNames = strings(new JsonArray(f.metadata().get("subcategories")));
        JsonObject index = new JsonObject(Files.readString(emojiDir.resolve(INDEX_FILE)));
        List<EmojiEntry> entries = new ArrayList<>();
        for (Object o : index.getJsonArray("images")) {
            JsonObject r = (JsonObject) o;
            entries.add(new EmojiEntry(r.getString("unified"), r.getString("shortName"), r.getString("name"),
                    categoryNames.indexOf(r.getString("category")), subcategoryNames.indexOf(r.getString("subcategory")),
                    r.getString("image"), r.getString("group")));
        }
        return new EmojiDataset(new ImageSet(SIZE, pixels, categories, categoryNames), subcategories, subcategoryNames,
                heldOut, entries, f.metadata().get("source"));
    }

    private static String sourceOf(Path rawDir) throws IOException {
        Path version = rawDir.resolve("VERSION");
        return "emoji-datasource-google " + (Files.isRegularFile(version) ? Files.readString(version).trim() : "unknown");
    }

    private static String splitDescription() {
        return "held out " + EmojiSplit.HELD_OUT_FRACTION + " per category by seeded hash of the base code points (seed "
                + EmojiSplit.SEED + "), skin-tone variants with their base";
    }

    private static int[] toInts(TensorData t) {
        long[] v = t.toLongs();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(o -> out.add((String) o));
        return out;
    }

    /** Prepares (or loads) the set under {@code <root>/data/emoji} and prints its counts. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        EmojiDataset d = load(root.resolve("data").resolve("emoji"));
        int[][] counts = d.countsByCategory();
        System.out.printf("%s: %d images, %d train, %d held out, %d categories, %d subcategories%n", d.source(),
                d.images().count(), d.trainIndices().length, d.heldOutIndices().length, counts.length,
                d.subcategoryNames().size());
        for (int c = 0; c < counts.length; c++) {
            System.out.printf("  %-20s %5d  train %5d  held out %4d%n", d.categoryNames().get(c),
                    counts[c][0] + counts[c][1], counts[c][0], counts[c][1]);
        }
    }
}
