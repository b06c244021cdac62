package dev.tessera.distill.dd;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.sample.PreviewFill;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.TokenDecoder;
import dev.tessera.image.serve.ImageClasses;
import dev.tessera.image.serve.ImageGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The installed distilled student as an image generator: {@code <models>/image-dd/model} and the LFQ tokenizer
 * of {@code <models>/image-tokenizer}. Image i of a request with seed S is the student's image of the noise
 * seeded by {@link SampleSpec#random()} of (S, i), in 1 or 2 passes. The verticle and
 * {@code tessera generate image --model image-dd} both call it; it knows nothing of Vert.x.
 *
 * <p>Thread-safe for concurrent calls: weights are only read, each call works in a sub-manager.
 */
public final class DdImageGenerator implements AutoCloseable {

    /** Folder of the student under the models folder, and its model name. */
    public static final String DIR = "image-dd";

    private final NDManager manager;
    private final DdSampler sampler;
    private final TokenDecoder decoder;
    private final ImageClasses classes;

    private DdImageGenerator(NDManager manager, DdStudent student, LfqTokenizer tokenizer, ImageClasses classes) {
        this.manager = manager;
        this.sampler = new DdSampler(student);
        this.decoder = new TokenDecoder(tokenizer, PreviewFill.neutral(0));
        this.classes = classes;
    }

    /** Whether the student and the tokenizer are under {@code modelsDir}. */
    public static boolean isInstalled(Path modelsDir) {
        return Checkpoint.exists(modelsDir.resolve(DIR), DdModels.STUDENT)
                && (Checkpoint.exists(modelsDir.resolve(ImageGenerator.TOKENIZER_DIR), "model")
                || Checkpoint.exists(modelsDir.resolve(ImageGenerator.TOKENIZER_DIR), "lfq-tokenizer"));
    }

    /** Loads {@code studentDir/model} and the tokenizer of {@code tokenizerDir}, and checks they fit. */
    public static DdImageGenerator load(Path studentDir, Path tokenizerDir) throws IOException {
        if (!Checkpoint.exists(studentDir, DdModels.STUDENT)) {
            throw new NoSuchFileException(Checkpoint.tensorsFile(studentDir, DdModels.STUDENT).toString(), null,
                    "the distilled image student is not installed; train it with `tessera train image-dd --pairs 50000` "
                            + "then `tessera train image-dd --export " + studentDir + "`");
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            DdStudent student = DdModels.student(studentDir, manager);
            LfqTokenizer tokenizer = LfqTokenizer.load(tokenizerDir, DdModels.checkpointIn(tokenizerDir, "model",
                    "lfq-tokenizer"), manager);
            DdStudentConfig c = student.config();
            if (c.bits() != tokenizer.config().bits() || c.tokens() != tokenizer.config().tokens()) {
                throw new CheckpointFormatException("the student in " + studentDir + " makes " + c.tokens() + " tokens of "
                        + c.bits() + " bits but the tokenizer in " + tokenizerDir + " decodes " + tokenizer.config().tokens()
                        + " of " + tokenizer.config().bits());
            }
            JsonArray names = Checkpoint.load(studentDir, DdModels.STUDENT).config().getJsonArray("classNames",
                    new JsonArray());
            List<String> list = new ArrayList<>();
            names.forEach(n -> list.add(String.valueOf(n)));
            int numClasses = c.trunk().numClasses();
            return new DdImageGenerator(manager, student, tokenizer,
                    new ImageClasses(numClasses, list.size() == numClasses ? list : List.of()));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ImageClasses classes() {
        return classes;
    }

    public int tokens() {
        return sampler.student().config().tokens();
    }

    public int bits() {
        return sampler.student().config().bits();
    }

    /**
     * Token grids of the student, one per spec (only its class, seed and index are read: the student has no
     * sampling settings).
     *
     * @param steps 1 or 2
     */
    public long[][] sampleTokens(List<SampleSpec> specs, int steps) {
        int[] cls = new int[specs.size()];
        long[] seeds = new long[specs.size()];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = specs.get(i).classId();
            seeds[i] = specs.get(i).random().nextLong();
        }
        return sampler.sample(manager, cls, seeds, steps);
    }

    /** Images of complete grids. */
    public List<RgbImage> decode(List<long[]> grids) {
        return decoder.decode(manager, grids);
    }

    /** The student's config and training record, for replies and model cards. */
    public JsonObject describe() {
        return sampler.student().config().toJson();
    }

    @Override
    public void close() {
        manager.close();
    }
}
