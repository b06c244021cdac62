package dev.tessera.image.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArConfig;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig;
import dev.tessera.image.nn.BlockCheckpoints;
import dev.tessera.core.nn.FixedShapeBlock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny, randomly initialised but real image models, for tests and smoke checks of the serving path (the
 * image counterpart of the probe model): a K = 8 LFQ tokenizer (32 px, widths 8/16/16, one block per
 * level) and an AR model over its 64 tokens (width 32, 4 heads, 2 layers, 4 classes; the factorized one
 * splits 3 + 5 bits). Weights come from a Java generator, never from libtorch's global one, so a seed gives
 * the same models in any process. The heads are random too (the models' own init zeroes them, which would
 * make every distribution uniform).
 */
public final class TinyImageModels {

    public static final int BITS = 8;
    public static final int CLASSES = 4;
    public static final List<String> CLASS_NAMES = List.of("circle", "square", "triangle", "star");

    private TinyImageModels() {
    }

    public static ArTrunkConfig trunk() {
        return trunk(CLASSES);
    }

    /** The tiny trunk with {@code classes} classes. */
    public static ArTrunkConfig trunk(int classes) {
        return new ArTrunkConfig(32, 4, 2, 64, classes, 64, 0f, 0f, 0.02f, 1e-5f);
    }

    public static LfqTokenizerConfig tokenizerConfig() {
        return new LfqTokenizerConfig(32, 8, List.of(1, 2, 2), 1, 4, true, false, 1,
                LookupFreeQuantizerConfig.defaults(BITS));
    }

    /** A factorized model (3 + 5 bits), its weights in {@code manager}. */
    public static FactorizedArTransformer factorized(NDManager manager, long seed) {
        FactorizedArTransformer m = new FactorizedArTransformer(new FactorizedArConfig(BITS, 3, 1, trunk()));
        randomize(m, manager, seed);
        return m;
    }

    /** A flat-head model, its weights in {@code manager}. */
    public static FlatArTransformer flat(NDManager manager, long seed) {
        FlatArTransformer m = new FlatArTransformer(new FlatArConfig(BITS, trunk()));
        randomize(m, manager, seed);
        return m;
    }

    public static LfqTokenizer tokenizer(NDManager manager, long seed) {
        LfqTokenizer t = new LfqTokenizer(tokenizerConfig());
        randomize(t, manager, seed);
        return t;
    }

    /**
     * Writes the installed layout under {@code modelsDir}: {@code image-tokenizer/lfq-tokenizer} and
     * {@code image-ar/image-ar} (a factorized model, or the flat one when {@code flat}), the AR config with
     * {@code categories}, under the names the training mains export.
     */
    public static void write(Path modelsDir, long seed, boolean flat) throws IOException {
        write(modelsDir, seed, flat, CLASS_NAMES, ImageGenerator.AR_DIR);
    }

    /** As {@link #write(Path, long, boolean)}, with other classes and AR folder name (e.g. {@code image-ar-flat}). */
    public static void write(Path modelsDir, long seed, boolean flat, List<String> classNames, String arFolder)
            throws IOException {
        Path ar = Files.createDirectories(modelsDir.resolve(arFolder));
        Path tok = Files.createDirectories(modelsDir.resolve(ImageGenerator.TOKENIZER_DIR));
        try (NDManager m = NDManager.newBaseManager()) {
            tokenizer(m, seed).save(tok, ImageGenerator.TOKENIZER_CHECKPOINT, Map.of("note", "tiny random test model"));
            ImageTokenModel model = flat ? new FlatArTransformer(new FlatArConfig(BITS, trunk(classNames.size())))
                    : new FactorizedArTransformer(new FactorizedArConfig(BITS, 3, 1, trunk(classNames.size())));
            randomize((FixedShapeBlock) model, m, seed + 1);
            JsonObject config = model.configJson().put(ImageTokenModels.CATEGORIES_KEY, new JsonArray(List.copyOf(classNames)));
            BlockCheckpoints.save(ar, ImageGenerator.AR_CHECKPOINT, model, config, Map.of("note", "tiny random test model"));
        }
    }

    /**
     * Every parameter drawn from {@code seed}: matrices and kernels uniform in +-1/sqrt(fan-in) (PyTorch's
     * default), heads the same times 3 so that distributions are peaked enough for top-k/top-p to matter;
     * vectors are constants (norm gains 1, biases and shifts 0).
     */
    private static void randomize(FixedShapeBlock block, NDManager manager, long seed) {
        block.initialize(manager);
        SplittableRandom random = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            long[] shape = a.getShape().getShape();
            float[] v;
            if (shape.length >= 2) {
                long fanIn = a.getShape().size() / shape[0];
                double bound = 1 / Math.sqrt(fanIn) * (p.getKey().contains("ead_") ? 3 : 1); // preHead_, postHead_, head_
                v = new float[Math.toIntExact(a.getShape().size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            } else {
                v = new float[Math.toIntExact(a.getShape().size())];
                Parameter.Type type = p.getValue().getType();
                Arrays.fill(v, type == Parameter.Type.GAMMA ? 1f : 0f); // norm gains 1; biases and shifts 0
            }
            a.set(v);
        }
    }
}
