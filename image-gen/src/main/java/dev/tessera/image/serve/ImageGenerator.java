package dev.tessera.image.serve;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.sample.PreviewFill;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenDecoder;
import dev.tessera.image.sample.TokenListener;
import dev.tessera.image.sample.TokenSampler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The installed image models as one generator: the AR model of {@code <models>/image-ar/image-ar} and the LFQ
 * tokenizer of {@code <models>/image-tokenizer/lfq-tokenizer} (the names the training mains export, see
 * docs/image.md "Files"), a {@link TokenSampler} and a {@link TokenDecoder}.
 * The verticle and {@code tessera generate image} both call it; it knows nothing of Vert.x.
 *
 * <p>Besides the model's own fields, the AR checkpoint's config may carry {@code categories} (one name per
 * class, e.g. the emoji categories) and {@code preview} ({@code neutralCode}, {@code positionModes},
 * {@code fill}; see {@link PreviewFill#fromJson}). Without a neutral code the preview fill is the
 * tokenizer's code for a blank white image.
 *
 * <p>Thread-safe for concurrent calls: the weights are only read, and every call works in its own
 * sub-manager of the generator's manager, which {@link #close()} frees.
 */
public final class ImageGenerator implements AutoCloseable {

    /** Folder of the AR model under the models folder. */
    public static final String AR_DIR = "image-ar";
    /** Folder of the tokenizer under the models folder. */
    public static final String TOKENIZER_DIR = "image-tokenizer";
    /** Checkpoint name in {@link #AR_DIR}: {@code image-ar.safetensors} (+ {@code .json}). */
    public static final String AR_CHECKPOINT = ImageTokenModels.CHECKPOINT;
    /** Checkpoint name in {@link #TOKENIZER_DIR}: {@code lfq-tokenizer.safetensors} (+ {@code .json}). */
    public static final String TOKENIZER_CHECKPOINT = LfqTokenizer.CHECKPOINT;

    private final NDManager manager;
    private final ImageTokenModel model;
    private final LfqTokenizer tokenizer;
    private final TokenSampler sampler;
    private final TokenDecoder decoder;
    private final List<String> classNames;

    private ImageGenerator(NDManager manager, ImageTokenModel model, LfqTokenizer tokenizer, TokenDecoder decoder,
                           List<String> classNames) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.sampler = new TokenSampler(model);
        this.decoder = decoder;
        this.classNames = List.copyOf(classNames);
    }

    /** Whether both checkpoints are under {@code modelsDir}. */
    public static boolean isInstalled(Path modelsDir) {
        return Checkpoint.exists(modelsDir.resolve(AR_DIR), AR_CHECKPOINT)
                && Checkpoint.exists(modelsDir.resolve(TOKENIZER_DIR), TOKENIZER_CHECKPOINT);
    }

    /** What is missing under {@code modelsDir} and how to get it, for a person. */
    public static String notInstalledMessage(Path arDir, Path tokenizerDir) {
        List<String> missing = new ArrayList<>();
        if (!Checkpoint.exists(tokenizerDir, TOKENIZER_CHECKPOINT)) {
            missing.add(Checkpoint.tensorsFile(tokenizerDir, TOKENIZER_CHECKPOINT).toString());
        }
        if (!Checkpoint.exists(arDir, AR_CHECKPOINT)) {
            missing.add(Checkpoint.tensorsFile(arDir, AR_CHECKPOINT).toString());
        }
        return "the image models are not installed: " + String.join(" and ", missing) + " not found. Train them with "
                + "`tessera train image-tokenizer` and `tessera train image-ar`, then install the exports with "
                + "`tessera export image --tokenizer DIR --ar DIR` (docs/image.md), or point --models at a folder "
                + "that holds " + AR_DIR + "/" + AR_CHECKPOINT + ".safetensors and " + TOKENIZER_DIR + "/"
                + TOKENIZER_CHECKPOINT + ".safetensors";
    }

    /** Loads {@code <modelsDir>/image-ar} and {@code <modelsDir>/image-tokenizer}. */
    public static ImageGenerator load(Path modelsDir) throws IOException {
        return load(modelsDir.resolve(AR_DIR), modelsDir.resolve(TOKENIZER_DIR));
    }

    /**
     * Loads both checkpoints into a manager of the generator's own and checks that they fit together.
     *
     * @throws NoSuchFileException with {@link #notInstalledMessage} when a checkpoint is missing
     * @throws CheckpointFormatException when the two do not fit or a config is unusable
     */
    public static ImageGenerator load(Path arDir, Path tokenizerDir) throws IOException {
        if (!Checkpoint.exists(arDir, AR_CHECKPOINT) || !Checkpoint.exists(tokenizerDir, TOKENIZER_CHECKPOINT)) {
            throw new NoSuchFileException(arDir.toString(), tokenizerDir.toString(),
                    notInstalledMessage(arDir, tokenizerDir));
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Checkpoint.Loaded ar = Checkpoint.load(arDir, AR_CHECKPOINT);
            ImageTokenModel model = ImageTokenModels.load(ar, arDir.resolve(AR_CHECKPOINT).toString(), manager);
            LfqTokenizer tokenizer = LfqTokenizer.load(tokenizerDir, TOKENIZER_CHECKPOINT, manager);
            int tokens = model.trunkConfig().tokens();
            if (model.bits() != tokenizer.config().bits() || tokens != tokenizer.config().tokens()) {
                throw new CheckpointFormatException("the AR model in " + arDir + " predicts " + tokens + " tokens of "
                        + model.bits() + " bits but the tokenizer in " + tokenizerDir + " makes "
                        + tokenizer.config().tokens() + " tokens of " + tokenizer.config().bits()
                        + " bits; train the AR model on this tokenizer's tokens");
            }
            List<String> names = classNames(ar.config(), model.trunkConfig().numClasses());
            JsonObject preview = ar.config().getJsonObject("preview");
            long blank = preview != null && preview.containsKey("neutralCode") ? 0
                    : TokenDecoder.blankCode(tokenizer, manager);
            PreviewFill fill;
            try {
                fill = PreviewFill.fromJson(preview, blank, tokens, model.bits());
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException("the config of " + arDir + ": " + e.getMessage(), e);
            }
            return new ImageGenerator(manager, model, tokenizer, new TokenDecoder(tokenizer, fill), names);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static List<String> classNames(JsonObject config, int numClasses) throws CheckpointFormatException {
        JsonArray names = config.getJsonArray(ImageTokenModels.CATEGORIES_KEY);
        if (names == null || names.isEmpty()) { // a model trained on unnamed classes (e.g. a timing run)
            return List.of();
        }
        if (names.size() != numClasses) {
            throw new CheckpointFormatException(ImageTokenModels.CATEGORIES_KEY + " lists " + names.size() + " names for " + numClasses
                    + " classes");
        }
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(String.valueOf(n)));
        return out;
    }

    public ImageTokenModel model() {
        return model;
    }

    public LfqTokenizer tokenizer() {
        return tokenizer;
    }

    public TokenDecoder decoder() {
        return decoder;
    }

    /** {@code factorized} or {@code flat}. */
    public String kind() {
        return model instanceof FlatArTransformer ? "flat" : "factorized";
    }

    public int numClasses() {
        return model.trunkConfig().numClasses();
    }

    /** The class id of an unconditional image. */
    public int nullClass() {
        return model.trunkConfig().nullClass();
    }

    /** Names of the classes from the model's config, or empty when it names none. */
    public List<String> classNames() {
        return classNames;
    }

    public int tokens() {
        return model.trunkConfig().tokens();
    }

    public int bits() {
        return model.bits();
    }

    public int imageSize() {
        return tokenizer.config().imageSize();
    }

    /**
     * The class a person named: an index in {@code [0, numClasses)} or a class name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the classes there are
     */
    public int classId(String nameOrIndex) {
        return classes().classId(nameOrIndex);
    }

    /** The classes there are, for messages: {@code 0..9} and the names when the model has them. */
    public String classChoices() {
        return classes().choices();
    }

    /** The name of class {@code id}, or null for the null class or a model without names. */
    public String className(int id) {
        return classes().name(id);
    }

    /** The model's classes and their names. */
    public ImageClasses classes() {
        return new ImageClasses(numClasses(), classNames);
    }

    /** Samples token grids; see {@link TokenSampler#sample}. */
    public long[][] sampleTokens(List<SampleSpec> specs, TokenListener listener) {
        return sampler.sample(manager, specs, listener);
    }

    /** Images of complete grids. */
    public List<RgbImage> decode(List<long[]> grids) {
        return decoder.decode(manager, grids);
    }

    /** Previews of partial grids (-1 = pending). */
    public List<RgbImage> preview(List<long[]> partialGrids) {
        return decoder.preview(manager, partialGrids);
    }

    /**
     * Runs every op once: a one-token sampling run (trunk, intra-token transformer, heads, both with
     * guidance) and a preview decode, checked for shape. What a model verticle does when it loads.
     */
    public void selfTest() {
        int cls = numClasses() > 0 ? 0 : nullClass();
        long[][] grid = sampleTokens(List.of(new SampleSpec(cls, 0, 0, SamplingParams.STUDIO)), p -> false);
        if (grid[0][0] < 0 || grid[0][0] >= 1L << bits() || grid[0][1] != -1) {
            throw new IllegalStateException("self-test: the first token is " + grid[0][0] + ", expected one in [0, 2^"
                    + bits() + ") and nothing after it");
        }
        RgbImage image = preview(List.of(grid[0])).get(0);
        if (image.width() != imageSize() || image.height() != imageSize()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "self-test: the decoder made %dx%d, expected %dx%d",
                    image.width(), image.height(), imageSize(), imageSize()));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
