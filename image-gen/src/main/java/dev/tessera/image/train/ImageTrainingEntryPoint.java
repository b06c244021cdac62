package dev.tessera.image.train;

import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import dev.tessera.core.train.TrainingProcess;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.eval.CommandLineArgs;
import dev.tessera.image.lfq.LfqTokenizer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code tessera train <name>} for a training main of the image family: the launcher's flags become the
 * main's arguments, checked against the main's own option list ({@code OPTIONS}, the one list its parser,
 * usage line and this help read) before anything starts, and the main runs in a child JVM with one
 * intra-op thread ({@link TrainingProcess}). Registered in
 * {@code META-INF/services/dev.tessera.core.train.TrainingEntryPoint}.
 */
public abstract class ImageTrainingEntryPoint implements TrainingEntryPoint {

    /** The launcher's own flags, not repeated in the model's help. */
    private static final Set<String> COMMON = Set.of("--data", "--steps", "--out", "--resume");
    static final Path DEFAULT_DATA = Path.of("data/emoji");

    private final String name;
    private final String description;
    private final Class<?> main;
    private final List<CommandLineArgs.Option> options;

    ImageTrainingEntryPoint(String name, String description, Class<?> main, List<CommandLineArgs.Option> options) {
        this.name = name;
        this.description = description;
        this.main = main;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<String> extraOptions() {
        return CommandLineArgs.helpLines(options, COMMON);
    }

    @Override
    public void train(TrainingOptions options) throws Exception {
        List<String> args = arguments(options);
        CommandLineArgs parsed = parse(args);
        Path data = parsed.path("--data", DEFAULT_DATA);
        if (!Files.isRegularFile(data.resolve(EmojiDataset.TENSORS_FILE)) && !Files.isDirectory(data.resolve("raw"))) {
            throw new NoSuchFileException(data.toString(), null,
                    "no emoji data; make it with scripts/fetch-data emoji or pass --data DIR");
        }
        checkInputs(parsed);
        TrainingProcess.run(main.getName(), args, name + " training");
    }

    /** Checks what the run reads besides the data, before the child starts. */
    void checkInputs(CommandLineArgs args) throws Exception {
    }

    /**
     * The main's arguments for these options: {@code --data}, {@code --steps}, {@code --out} and
     * {@code --resume} when given (the main's defaults otherwise), then the extra flags, {@code --k=v}
     * split into {@code --k v}.
     *
     * @throws IllegalArgumentException naming an unknown flag, a missing value or a bad number
     */
    List<String> arguments(TrainingOptions o) {
        List<String> args = new ArrayList<>();
        if (o.data() != null) {
            args.addAll(List.of("--data", o.data().toString()));
        }
        if (o.steps() != null) {
            args.addAll(List.of("--steps", Long.toString(o.steps())));
        }
        if (o.out() != null) {
            args.addAll(List.of("--out", o.out().toString()));
        }
        if (o.resume()) {
            args.add("--resume");
        }
        for (String a : o.extra()) {
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                args.add(a.substring(0, eq));
                args.add(a.substring(eq + 1));
            } else {
                args.add(a);
            }
        }
        parse(args);
        return args;
    }

    /** The main's parser; its message names the main's usage, which the launcher replaces by its help. */
    private CommandLineArgs parse(List<String> args) {
        try {
            return CommandLineArgs.parse(args.toArray(String[]::new), "", options);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().strip() + " for " + name + "; see tessera train --help", e);
        }
    }

    /** {@code tessera train image-tokenizer}: {@link ImageTokenizerTrainMain}. */
    public static final class Tokenizer extends ImageTrainingEntryPoint {
        public Tokenizer() {
            super("image-tokenizer", "LFQ image tokenizer on the emoji set (scripts/fetch-data emoji), one intra-op thread",
                    ImageTokenizerTrainMain.class, ImageTokenizerTrainMain.OPTIONS);
        }
    }

    /** {@code tessera train image-ar}: {@link ImageArTrainMain}, factorized or flat head. */
    public static final class Ar extends ImageTrainingEntryPoint {
        public Ar() {
            super("image-ar", "class-conditional AR model of image tokens (--head factorized|flat) over a trained "
                    + "tokenizer", ImageArTrainMain.class, ImageArTrainMain.OPTIONS);
        }

        @Override
        void checkInputs(CommandLineArgs args) throws Exception {
            Path tokenizer = args.path("--tokenizer", Path.of("models/image-tokenizer"));
            if (!Checkpoint.exists(tokenizer, LfqTokenizer.CHECKPOINT)) {
                throw new NoSuchFileException(Checkpoint.tensorsFile(tokenizer, LfqTokenizer.CHECKPOINT).toString(), null,
                        "no tokenizer to train on; train one with `tessera train image-tokenizer` or pass --tokenizer DIR");
            }
        }
    }

    /** {@code tessera train emoji-classifier}: {@link EmojiClassifierTrainMain}, the FD-emoji feature network. */
    public static final class Classifier extends ImageTrainingEntryPoint {
        public Classifier() {
            super("emoji-classifier", "the FD-emoji classifier (categories of the emoji set), used by tessera eval image",
                    EmojiClassifierTrainMain.class, EmojiClassifierTrainMain.OPTIONS);
        }
    }
}
