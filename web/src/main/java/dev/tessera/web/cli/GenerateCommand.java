package dev.tessera.web.cli;

import dev.tessera.core.engine.Engines;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.SubTokenSampling;
import dev.tessera.image.sample.TokenListener;
import dev.tessera.distill.dd.DdImageGenerator;
import dev.tessera.distill.dd.DistilledImageVerticle;
import dev.tessera.image.serve.ImageClasses;
import dev.tessera.image.serve.ImageGenerator;
import dev.tessera.image.serve.ImageVerticle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tessera generate}: media from the command line, in this process (no server). {@code image} draws
 * images with the installed AR model and LFQ tokenizer ({@link ImageGenerator}), the same code the image
 * verticle runs.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        synopsisSubcommandLabel = "KIND",
        header = "Generate images from the command line, in-process.",
        description = "Runs an installed model in this process (no server needed) and writes what it makes to files.",
        commandListHeading = "%nKinds:%n",
        footer = {"", "Example:", "  tessera generate image --class 'Smileys & Emotion' --n 8 --seed 1 --out out/smileys"},
        subcommands = GenerateCommand.Image.class)
final class GenerateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name what to generate: image");
    }

    @Command(name = "image",
            mixinStandardHelpOptions = true,
            versionProvider = TesseraVersion.class,
            header = "Sample images from the installed image models and write PNGs and a contact sheet.",
            description = {
                "Samples N images of one class with the AR model in <models>/image-ar and decodes them with the "
                        + "LFQ tokenizer in <models>/image-tokenizer, one after the other with a progress bar each "
                        + "(token by token), then writes image-<seed>-<i>.png and the contact sheet sheet-<seed>.png "
                        + "to --out.",
                "Image i of seed S is always the same image, whatever N; without --seed a seed is drawn and "
                        + "printed. Sampling per specs/image.md 3: classifier-free guidance, then temperature, "
                        + "top-k and top-p, for both sub-tokens of each token. Defaults are the studio's."},
            footer = {"", "Examples:",
                "  tessera generate image --class 0 --n 4 --seed 7",
                "  tessera generate image --class 'Animals & Nature' --n 16 --cfg 2 --top-p 1 --out out/animals",
                "  tessera generate image --n 4 --models /srv/tessera/models     # unconditional",
                "  tessera generate image --per-category 4 --seed 1 --contact-sheet docs/image-samples.png",
                "  tessera generate image --model image-dd --steps 1 --class 0 --n 16   # the one-step student"})
    static final class Image implements Callable<Integer> {

        @Option(names = "--class", paramLabel = "C",
                description = "Class index or name (the model's classes, e.g. the emoji categories). "
                        + "Default: none, an unconditional image (never guided).")
        String classOption;

        @Option(names = "--n", defaultValue = "4", paramLabel = "N",
                description = "Number of images, 1..256. Default: ${DEFAULT-VALUE}.")
        int n;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the images. Default: drawn and printed.")
        Long seed;

        @Option(names = "--out", defaultValue = "generated", paramLabel = "DIR",
                description = "Folder for the PNGs (created if missing). Default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
                description = "Softmax temperature, (0, 10]; use --top-k 1 for greedy decoding. Default: ${DEFAULT-VALUE}.")
        double temperature;

        @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
                description = "Keep the K most probable values of each sub-token; 0 = off. Default: ${DEFAULT-VALUE}.")
        int topK;

        @Option(names = "--top-p", defaultValue = "0.96", paramLabel = "P",
                description = "Keep the most probable values up to mass P, (0, 1]; 1 = off. Default: ${DEFAULT-VALUE}.")
        double topP;

        @Option(names = "--cfg", defaultValue = "3.0", paramLabel = "S",
                description = "Classifier-free guidance scale, [0, 20]; 1 = none. Default: ${DEFAULT-VALUE}.")
        double cfg;

        @Option(names = "--cfg-interval", defaultValue = "0", paramLabel = "N",
                description = "Guide only the first N tokens; 0 = all. Default: ${DEFAULT-VALUE}.")
        int cfgInterval;

        @Option(names = "--per-category", paramLabel = "N",
                description = "Instead of --class and --n: N images of every class, one labelled row per class, "
                        + "written to --contact-sheet (and the PNGs to --out).")
        Integer perCategory;

        @Option(names = "--contact-sheet", paramLabel = "FILE",
                description = "With --per-category: the labelled sheet's file. Default: <out>/categories-<seed>.png.")
        Path contactSheet;

        @Option(names = "--model", defaultValue = "image-ar", paramLabel = "NAME",
                description = "image-ar (the AR model, token by token) or image-dd (its distilled-decoding student, "
                        + "1 or 2 passes; no sampling settings). Default: ${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--steps", defaultValue = "1", paramLabel = "S",
                description = "Passes of image-dd: 1 or 2. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
                description = "Folder holding image-ar/ and image-tokenizer/. Default: ${DEFAULT-VALUE}.")
        Path models;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (model.equals(DistilledImageVerticle.NAME)) {
                return callDistilled();
            }
            if (!model.equals(ImageVerticle.NAME)) {
                throw new ParameterException(spec.commandLine(), "--model must be " + ImageVerticle.NAME + " or "
                        + DistilledImageVerticle.NAME + ", got '" + model + "'");
            }
            SamplingParams params = samplingParams();
            Path arDir = models.resolve(ImageGenerator.AR_DIR);
            Path tokenizerDir = models.resolve(ImageGenerator.TOKENIZER_DIR);
            if (!ImageGenerator.isInstalled(models)) {
                throw new IllegalStateException(ImageGenerator.notInstalledMessage(arDir, tokenizerDir));
            }
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter stdout = spec.commandLine().getOut();
            long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 53);
            Engines.start();
            Engines.applyThreadSettings(); // libtorch keeps the intra-op count per thread
            try (ImageGenerator generator = ImageGenerator.load(arDir, tokenizerDir)) {
                if (perCategory != null) {
                    return perCategory(generator, params, s, stdout, err);
                }
                int classId = classId(generator.classes());
                Files.createDirectories(out);
                String what = classId == generator.nullClass() ? "unconditional"
                        : "class " + classId + (generator.className(classId) == null ? ""
                        : " (" + generator.className(classId) + ")");
                stdout.printf(Locale.ROOT, "%d image(s), %s, seed %d, cfg %s, temperature %s, top-k %d, top-p %s%n",
                        n, what, s, cfg, temperature, topK, topP);
                stdout.flush();
                List<RgbImage> images = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    SampleSpec image = new SampleSpec(classId, s, i, params);
                    long t0 = System.nanoTime();
                    long[] tokens = sample(generator, image, "image " + (i + 1) + "/" + n);
                    RgbImage picture = generator.decode(List.of(tokens)).get(0);
                    Path file = out.resolve("image-" + s + "-" + i + ".png");
                    Files.write(file, picture.toPng());
                    images.add(picture);
                    err.printf(Locale.ROOT, "image %d/%d: %d tokens in %.2f s -> %s%n", i + 1, n, tokens.length,
                            (System.nanoTime() - t0) / 1e9, file);
                    err.flush();
                }
                Path sheet = out.resolve("sheet-" + s + ".png");
                int columns = (int) Math.ceil(Math.sqrt(n));
                Files.write(sheet, RgbImage.sheet(images, columns, 2).toPng());
                stdout.printf("wrote %d image(s) and the contact sheet %s%n", n, sheet);
                stdout.flush();
            }
            return 0;
        }

        /** {@code --per-category N}: N images of every class (index i of seed s), a labelled row each. */
        private int perCategory(ImageGenerator generator, SamplingParams params, long s, PrintWriter stdout,
                                PrintWriter err) throws IOException {
            Files.createDirectories(out);
            List<String> labels = new ArrayList<>();
            List<List<RgbImage>> rows = new ArrayList<>();
            stdout.printf(Locale.ROOT, "%d image(s) of each of %d classes, seed %d, cfg %s, temperature %s, top-k %d, "
                    + "top-p %s%n", perCategory, generator.numClasses(), s, cfg, temperature, topK, topP);
            stdout.flush();
            for (int c = 0; c < generator.numClasses(); c++) {
                List<SampleSpec> specs = new ArrayList<>();
                for (int i = 0; i < perCategory; i++) {
                    specs.add(new SampleSpec(c, s, i, params));
                }
                long t0 = System.nanoTime();
                long[][] tokens = generator.sampleTokens(specs, TokenListener.NONE);
                List<RgbImage> images = generator.decode(java.util.Arrays.asList(tokens));
                String name = generator.className(c) != null ? generator.className(c) : "class " + c;
                for (int i = 0; i < images.size(); i++) {
                    Files.write(out.resolve("class" + c + "-" + s + "-" + i + ".png"), images.get(i).toPng());
                }
                labels.add(name);
                rows.add(images);
                err.printf(Locale.ROOT, "%s: %d image(s) in %.2f s%n", name, images.size(), (System.nanoTime() - t0) / 1e9);
                err.flush();
            }
            Path sheet = contactSheet != null ? contactSheet : out.resolve("categories-" + s + ".png");
            if (sheet.toAbsolutePath().getParent() != null) {
                Files.createDirectories(sheet.toAbsolutePath().getParent());
            }
            Files.write(sheet, RgbImage.labelledRows(labels, rows, 2, 4).toPng());
            stdout.printf("wrote %d image(s) per class to %s and the labelled contact sheet %s%n", perCategory, out, sheet);
            stdout.flush();
            return 0;
        }

        /** {@code --model image-dd}: all N images in one batch of 1 or 2 student passes. */
        private Integer callDistilled() throws IOException {
            if (steps != 1 && steps != 2) {
                throw new ParameterException(spec.commandLine(), "--steps must be 1 or 2 for image-dd, got " + steps);
            }
            if (n < 1 || n > 256) {
                throw new ParameterException(spec.commandLine(), "--n must be in 1..256, got " + n);
            }
            PrintWriter stdout = spec.commandLine().getOut();
            long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 53);
            Engines.start();
            Engines.applyThreadSettings();
            try (DdImageGenerator generator = DdImageGenerator.load(models.resolve(DdImageGenerator.DIR),
                    models.resolve(ImageGenerator.TOKENIZER_DIR))) {
                int classId = classId(generator.classes());
                Files.createDirectories(out);
                List<SampleSpec> specs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    specs.add(new SampleSpec(classId, s, i, SamplingParams.PLAIN));
                }
                long t0 = System.nanoTime();
                List<RgbImage> images = generator.decode(java.util.Arrays.asList(generator.sampleTokens(specs, steps)));
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < n; i++) {
                    Files.write(out.resolve("image-" + s + "-" + i + ".png"), images.get(i).toPng());
                }
                Path sheet = out.resolve("sheet-" + s + ".png");
                Files.write(sheet, RgbImage.sheet(images, (int) Math.ceil(Math.sqrt(n)), 2).toPng());
                stdout.printf(Locale.ROOT, "image-dd, %d step(s), class %s, seed %d: %d image(s) in %.2f s; wrote them and "
                        + "the contact sheet %s%n", steps, classId == generator.classes().nullClass() ? "none"
                        : Integer.toString(classId), s, n, seconds, sheet);
                stdout.flush();
            }
            return 0;
        }

        /** One image's tokens, with a progress bar over its tokens when there is a terminal. */
        private static long[] sample(ImageGenerator generator, SampleSpec image, String task) {
            if (System.console() == null) {
                return generator.sampleTokens(List.of(image), TokenListener.NONE)[0];
            }
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(generator.tokens())
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" tokens", 1).setUpdateIntervalMillis(100).build()) {
                return generator.sampleTokens(List.of(image), p -> {
                    bar.stepTo(p.step());
                    return true;
                })[0];
            }
        }

        /** The settings, checked before any model is loaded. */
        private SamplingParams samplingParams() {
            if (perCategory != null && (perCategory < 1 || perCategory > 64)) {
                throw new ParameterException(spec.commandLine(), "--per-category must be in 1..64, got " + perCategory);
            }
            if (perCategory != null && classOption != null) {
                throw new ParameterException(spec.commandLine(), "--per-category draws every class; leave out --class");
            }
            if (contactSheet != null && perCategory == null) {
                throw new ParameterException(spec.commandLine(), "--contact-sheet goes with --per-category N");
            }
            if (n < 1 || n > 256) {
                throw new ParameterException(spec.commandLine(), "--n must be in 1..256, got " + n);
            }
            if (cfgInterval < 0) {
                throw new ParameterException(spec.commandLine(), "--cfg-interval must be >= 0, got " + cfgInterval);
            }
            try {
                SubTokenSampling s = new SubTokenSampling(cfg, temperature, topK, topP);
                return new SamplingParams(s, s, cfgInterval);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), flagNames(e.getMessage()));
            }
        }

        private int classId(ImageClasses classes) {
            if (classOption == null) {
                return classes.nullClass();
            }
            try {
                return classes.classId(classOption);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--class: " + e.getMessage());
            }
        }

        /** The sampler's messages name its fields; say the flags instead. */
        private static String flagNames(String message) {
            return message.replaceFirst("^cfgScale", "--cfg").replaceFirst("^temperature", "--temperature")
                    .replaceFirst("^topK", "--top-k").replaceFirst("^topP", "--top-p")
                    .replace("use topK 1", "use --top-k 1");
        }
    }
}
