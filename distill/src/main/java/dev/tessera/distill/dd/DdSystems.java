package dev.tessera.distill.dd;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Seeds;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenDecoder;
import dev.tessera.image.sample.TokenListener;
import dev.tessera.image.sample.TokenSampler;
import dev.tessera.image.serve.ImageGenerator;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The four image samplers the distillation figures compare, over one set of models: the teacher (token by
 * token, KV cache, the evaluation guidance CFG 2), the student at 1 and 2 passes, and the naive one-step
 * baseline. Image i of a run is a function of (class, seed, i) in each.
 *
 * <p>Models come from the models folder: the teacher from {@code image-ar} or {@code image-ar-factorized},
 * the student from {@code image-dd}, the tokenizer from {@code image-tokenizer}. For speed figures
 * ({@code allowRandom}) a missing one is made at the default size with random weights (speed does not depend
 * on training); {@link #note()} says which.
 */
public final class DdSystems implements AutoCloseable {

    public enum Kind {
        TEACHER("teacher (64 tokens, KV cache, CFG 2)", 64),
        STUDENT_1("image-dd, 1 step", 1),
        STUDENT_2("image-dd, 2 steps", 2),
        NAIVE("naive one-step baseline", 1);

        public final String label;
        public final int passes;

        Kind(String label, int passes) {
            this.label = label;
            this.passes = passes;
        }
    }

    private final NDManager manager;
    private final FactorizedArTransformer teacher;
    private final DdStudent student;
    private final LfqTokenizer tokenizer;
    private final long neutralCode;
    private final String note;

    private DdSystems(NDManager manager, FactorizedArTransformer teacher, DdStudent student, LfqTokenizer tokenizer,
                      long neutralCode, String note) {
        this.manager = manager;
        this.teacher = teacher;
        this.student = student;
        this.tokenizer = tokenizer;
        this.neutralCode = neutralCode;
        this.note = note;
    }

    public static DdSystems load(Path models, boolean allowRandom) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            List<String> random = new ArrayList<>();
            Path teacherDir = Files.isDirectory(models.resolve(ImageGenerator.AR_DIR)) ? models.resolve(ImageGenerator.AR_DIR)
                    : models.resolve("image-ar-factorized");
            FactorizedArTransformer teacher;
            JsonObject teacherConfig = new JsonObject();
            if (Checkpoint.exists(teacherDir, "model") || Checkpoint.exists(teacherDir, "image-ar") || !allowRandom) {
                teacher = DdModels.teacher(teacherDir, manager);
                teacherConfig = Checkpoint.load(teacherDir, DdModels.checkpointIn(teacherDir, "model", "image-ar")).config();
            } else {
                Seeds.seedAll(1);
                teacher = new FactorizedArTransformer(FactorizedArConfig.defaults());
                teacher.initialize(manager);
                random.add("teacher");
            }
            DdStudent student;
            Path studentDir = models.resolve(DdImageGenerator.DIR);
            if (Checkpoint.exists(studentDir, DdModels.STUDENT) || !allowRandom) {
                student = DdModels.student(studentDir, manager);
            } else {
                student = new DdStudent(DdStudentConfig.of(teacher.config()));
                student.initialize(manager);
                student.initializeFrom(teacher);
                random.add("student (teacher-initialized, untrained)");
            }
            Path tokDir = models.resolve(ImageGenerator.TOKENIZER_DIR);
            LfqTokenizer tokenizer;
            if (Checkpoint.exists(tokDir, "model") || Checkpoint.exists(tokDir, "lfq-tokenizer") || !allowRandom) {
                tokenizer = LfqTokenizer.load(tokDir, DdModels.checkpointIn(tokDir, "model", "lfq-tokenizer"), manager);
            } else {
                tokenizer = new LfqTokenizer(LfqTokenizerConfig.defaults(teacher.bits()));
                tokenizer.initialize(manager);
                random.add("tokenizer");
            }
            JsonObject preview = teacherConfig.getJsonObject("preview");
            long neutral = preview != null && preview.containsKey("neutralCode") ? preview.getLong("neutralCode")
                    : TokenDecoder.blankCode(tokenizer, manager);
            String note = random.isEmpty() ? "trained models from " + models
                    : "random weights at the default size for: " + String.join(", ", random) + " (speed only)";
            return new DdSystems(manager, teacher, student, tokenizer, neutral, note);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public String note() {
        return note;
    }

    public LfqTokenizer tokenizer() {
        return tokenizer;
    }

    public NDManager manager() {
        return manager;
    }

    public int numClasses() {
        return teacher.trunkConfig().numClasses();
    }

    /**
     * Token grids of {@code kind} for images {@code (classes[i], seed, i)}.
     *
     * @return {@code (n * T)} indices, row-major
     */
    public long[] generate(Kind system, int[] classes, long seed) {
        int n = classes.length;
        List<SampleSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(new SampleSpec(classes[i], seed, i, SamplingParams.EVALUATION));
        }
        long[][] grids = switch (system) {
            case TEACHER -> new TokenSampler(teacher).sample(manager, specs, TokenListener.NONE);
            case STUDENT_1, STUDENT_2 -> {
                long[] noise = new long[n];
                for (int i = 0; i < n; i++) {
                    noise[i] = specs.get(i).random().nextLong();
                }
                yield new DdSampler(student).sample(manager, classes, noise, system.passes);
            }
            case NAIVE -> {
                SplittableRandom[] r = new SplittableRandom[n];
                for (int i = 0; i < n; i++) {
                    r[i] = specs.get(i).random();
                }
                yield DdSampler.naive(teacher, manager, classes, neutralCode, SamplingParams.EVALUATION, r);
            }
        };
        int t = teacher.trunkConfig().tokens();
        long[] out = new long[n * t];
        for (int i = 0; i < n; i++) {
            System.arraycopy(grids[i], 0, out, i * t, t);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
