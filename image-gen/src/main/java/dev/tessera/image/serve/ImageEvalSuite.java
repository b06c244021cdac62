package dev.tessera.image.serve;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.BitsPerToken;
import dev.tessera.image.eval.EmojiClassifier;
import dev.tessera.image.eval.FdEmoji;
import dev.tessera.image.eval.ImageEval;
import dev.tessera.image.eval.TokenizerEvaluation;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenListener;
import dev.tessera.image.train.TokenSequences;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code tessera eval image} (specs/image.md 1.5 and 4): the tokenizer's reconstruction metrics on the
 * held-out split (PSNR, SSIM, codebook usage next to uniform-token coverage, code perplexity next to its
 * ceiling), each installed AR head's held-out bits/token next to K and the unigram entropy, and, for each
 * head, FD-emoji of generated samples next to the floor (held-out vs class-matched training subsets), the
 * tokenizer reference (held-out vs reconstructions) and the ceiling (images of uniformly random tokens),
 * with the conditional class accuracy of the samples next to the classifier's accuracy on real held-out
 * images and chance.
 *
 * <p>Samples follow the held-out class histogram (sample i has the class of held-out image i), seed
 * {@code seed}, index i, the spec's evaluation sampling (CFG 2.0, T 1.0, filters off), 16 per batch.
 * With {@code --data} a folder of PNGs (not the emoji folder), only the reconstruction metrics run.
 *
 * <p>Settings ({@code --param}): {@code samples} (the held-out count; {@code --quick}: 32), {@code seed} (1),
 * {@code cfg} (2.0), {@code tokenizer} (DIR, {@code <models>/image-tokenizer}), {@code ar} (comma-separated
 * DIRs; default those of {@code <models>/image-ar}, {@code image-ar-factorized}, {@code image-ar-flat} that
 * exist), {@code classifier} (DIR, {@code <models>/emoji-classifier}; FD and accuracy are left out without it).
 */
public final class ImageEvalSuite implements EvalSuite {

    public static final Path DEFAULT_DATA = Path.of("data/emoji");
    /** AR model folders looked for under the models folder, in table order. */
    public static final List<String> AR_FOLDERS = List.of(ImageGenerator.AR_DIR, "image-ar-factorized", "image-ar-flat");
    static final int SAMPLE_BATCH = 16;

    @Override
    public String name() {
        return "image";
    }

    @Override
    public String description() {
        return "LFQ tokenizer (PSNR, SSIM, usage, perplexity), AR heads (held-out bits/token), FD-emoji and class "
                + "accuracy of samples next to floor, reference, ceiling and chance";
    }

    @Override
    public BenchReport run(EvalOptions options) throws Exception {
        Path data = options.data() != null ? options.data() : DEFAULT_DATA;
        Path models = options.models();
        Path tokenizerDir = Path.of(options.param("tokenizer", models.resolve(ImageGenerator.TOKENIZER_DIR).toString()));
        Path classifierDir = Path.of(options.param("classifier", models.resolve(EmojiClassifier.NAME).toString()));
        long seed = options.intParam("seed", 1);
        double cfg = options.doubleParam("cfg", 2.0);
        int samplesParam = options.intParam("samples", options.quick() ? 32 : 0);
        if (samplesParam < 0) {
            throw new IllegalArgumentException("--param samples must be >= 0 (0 = the held-out count), got " + samplesParam);
        }
        SamplingParams sampling = SamplingParams.uniform(cfg, 1.0, 0, 1.0);
        if (!Checkpoint.exists(tokenizerDir, LfqTokenizer.CHECKPOINT)) {
            throw new NoSuchFileException(Checkpoint.tensorsFile(tokenizerDir, LfqTokenizer.CHECKPOINT).toString(), null,
                    "no tokenizer; train one (tessera train image-tokenizer), ship it (tessera export image) or pass "
                            + "--models DIR / --param tokenizer=DIR");
        }
        boolean emoji = Files.isRegularFile(data.resolve(EmojiDataset.TENSORS_FILE)) || Files.isDirectory(data.resolve("raw"));
        if (!emoji && !Files.isDirectory(data)) {
            throw new NoSuchFileException(data.toString(), null, "no such folder; pass --data with the emoji folder "
                    + "(scripts/fetch-data emoji) or a folder of PNG images");
        }
        boolean classifier = Checkpoint.exists(classifierDir, EmojiClassifier.NAME);
        List<Path> arDirs = arDirs(options, models);
        Engines.start();
        BenchReport report = new BenchReport(name(), List.of("part", "system", "metric", "value", "reference",
                "reference_value"));
        int quickLimit = options.quick() && !emoji ? 64 : 0;
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        JsonObject tok = ImageEval.run(new ImageEval.Options(data, tokenizerDir, LfqTokenizer.CHECKPOINT,
                classifier ? classifierDir : null, "heldout", quickLimit, TokenizerEvaluation.DEFAULT_BATCH, seed), silent);
        tokenizerRows(report, tok);
        if (!emoji) {
            report.note("PNG folder " + data + ": reconstruction metrics only (no split, classes or AR models)");
            return report;
        }
        EmojiDataset dataset = EmojiDataset.load(data);
        ImageSet heldOut = dataset.heldOutSet();
        int n = samplesParam == 0 ? heldOut.count() : Math.min(samplesParam, heldOut.count());
        try (NDManager manager = NDManager.newBaseManager()) {
            LfqTokenizer tokenizer = LfqTokenizer.load(tokenizerDir, LfqTokenizer.CHECKPOINT, manager);
            TokenSequences heldOutTokens = TokenSequences.tokenize(tokenizer, heldOut, false, manager,
                    TokenizerEvaluation.DEFAULT_BATCH);
            FdEmoji fd = classifier ? FdEmoji.load(classifierDir, manager) : null;
            FdEmoji.Embedding real = null;
            int[] classes = Arrays.copyOf(heldOut.labels(), n);
            if (fd != null) {
                real = fd.embed(heldOut.subset(range(n)), manager);
                JsonObject t = tok.getJsonObject("fdEmoji");
                report.row("fd-emoji", "floor: held-out vs class-matched training subsets (mean of 5)", "fd_emoji",
                        t.getDouble("floor"), null, null);
                report.row("fd-emoji", "tokenizer reference: held-out vs reconstructions", "fd_emoji",
                        t.getDouble("reference"), null, null);
                report.row("fd-emoji", "ceiling: held-out vs uniformly random tokens", "fd_emoji", t.getDouble("ceiling"),
                        null, null);
                report.row("class-accuracy", "real held-out images", "accuracy", t.getDouble("accuracyOriginals"),
                        "chance (uniform)", t.getDouble("chanceUniform"));
                report.note(String.format(Locale.ROOT, "FD-emoji: classifier %s (sha256 %s), floor/reference/ceiling over "
                        + "all %d held-out images", classifierDir, fd.classifierHash(), heldOut.count()));
            }
            for (Path arDir : arDirs) {
                try (ImageGenerator g = ImageGenerator.load(arDir, tokenizerDir)) {
                    String system = arDir.getFileName() + " (" + g.kind() + ")";
                    if (g.numClasses() != dataset.categoryNames().size()) {
                        throw new IllegalArgumentException(arDir + " has " + g.numClasses() + " classes but " + data
                                + " has " + dataset.categoryNames().size() + " categories");
                    }
                    BitsPerToken bpt = BitsPerToken.evaluate(g.model(), heldOutTokens.tokens(), heldOutTokens.classes(),
                            heldOutTokens.length(), manager, 64);
                    report.row("ar", system, "bits_per_token", bpt.bitsPerToken(), "uniform (K)", (double) bpt.bits());
                    report.row("ar", system, "bits_per_token", bpt.bitsPerToken(), "held-out unigram entropy",
                            bpt.unigramEntropyBits());
                    if (fd != null) {
                        long t0 = System.nanoTime();
                        ImageSet generated = sample(g, classes, seed, sampling, heldOut.classNames());
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        FdEmoji.Embedding e = fd.embed(generated, manager);
                        report.row("fd-emoji", system + " samples", "fd_emoji", FdEmoji.distance(real, e), null, null);
                        report.row("class-accuracy", system + " samples", "accuracy", e.accuracy(classes),
                                "chance (uniform)", 1.0 / dataset.categoryNames().size());
                        report.note(String.format(Locale.ROOT, "%s: %d samples in %.1f s", system, n, seconds));
                    }
                }
            }
            if (fd != null && !arDirs.isEmpty()) {
                report.note(String.format(Locale.ROOT, "samples: N = %d following the held-out class histogram, seed %d, "
                        + "index i, sampling %s; FD of samples against the first %d held-out images", n, seed,
                        sampling.toJson().encode(), n));
            }
        }
        if (arDirs.isEmpty()) {
            report.note("no AR model under " + models + " (" + String.join(", ", AR_FOLDERS) + "): bits/token and samples "
                    + "left out");
        }
        if (!classifier) {
            report.note("no classifier in " + classifierDir + " (tessera train emoji-classifier): FD-emoji and class "
                    + "accuracy left out");
        }
        return report;
    }

    private static void tokenizerRows(BenchReport report, JsonObject tok) {
        JsonObject r = tok.getJsonObject("reconstruction");
        JsonObject cb = r.getJsonObject("codebook");
        String system = tok.getJsonObject("tokenizer").getString("dir") + " (K = " + cb.getInteger("bits") + ")";
        report.row("tokenizer", system, "psnr_db", r.getDouble("psnr"), null, null);
        report.row("tokenizer", system, "ssim", r.getDouble("ssim"), null, null);
        report.row("tokenizer", system, "codebook_usage", cb.getDouble("usage"), "uniform random tokens' coverage",
                cb.getDouble("uniformCoverage"));
        report.row("tokenizer", system, "code_perplexity", cb.getDouble("perplexity"), "ceiling min(M, 2^K)",
                cb.getDouble("perplexityCeiling"));
        report.row("tokenizer", system, "max_bit_bias", cb.getDouble("maxBitBias"), "collapse alert above", 0.9);
        report.note(String.format(Locale.ROOT, "tokenizer: %d images of %s, tokenizer sha256 %s", r.getInteger("images"),
                tok.getString("source"), tok.getJsonObject("tokenizer").getString("sha256")));
    }

    private static List<Path> arDirs(EvalOptions options, Path models) {
        List<Path> dirs = new ArrayList<>();
        String given = options.param("ar", null);
        if (given != null) {
            for (String d : given.split(",")) {
                Path p = Path.of(d.strip());
                if (!Checkpoint.exists(p, ImageTokenModels.CHECKPOINT)) {
                    throw new IllegalArgumentException("--param ar: " + p + " holds no " + ImageTokenModels.CHECKPOINT
                            + ".safetensors");
                }
                dirs.add(p);
            }
            return dirs;
        }
        for (String f : AR_FOLDERS) {
            if (Checkpoint.exists(models.resolve(f), ImageTokenModels.CHECKPOINT)) {
                dirs.add(models.resolve(f));
            }
        }
        return dirs;
    }

    /** Samples image i of class {@code classes[i]}, 16 per batch, decoded, as a labelled set. */
    static ImageSet sample(ImageGenerator g, int[] classes, long seed, SamplingParams params, List<String> classNames) {
        int n = classes.length;
        int size = g.imageSize();
        byte[] pixels = new byte[n * size * size * 3];
        for (int from = 0; from < n; from += SAMPLE_BATCH) {
            List<SampleSpec> specs = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + SAMPLE_BATCH); i++) {
                specs.add(new SampleSpec(classes[i], seed, i, params));
            }
            long[][] tokens = g.sampleTokens(specs, TokenListener.NONE);
            List<RgbImage> images = g.decode(Arrays.asList(tokens));
            for (int j = 0; j < images.size(); j++) {
                byte[] p = images.get(j).pixels();                              // (S, S, 3)
                System.arraycopy(p, 0, pixels, (from + j) * p.length, p.length);
            }
        }
        return new ImageSet(size, pixels, classes, classNames);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
