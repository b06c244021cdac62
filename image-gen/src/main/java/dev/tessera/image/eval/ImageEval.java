package dev.tessera.image.eval;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.lfq.LfqTokenizer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Scores an LFQ tokenizer on a set of images: PSNR, SSIM, L1, codebook usage, perplexity and per-bit
 * balance (specs/image.md 1.5), and, with a classifier, the FD-emoji table of the tokenizer (section 4).
 *
 * <pre>
 *   ImageEval --data DIR [--tokenizer models/image-tokenizer] [--name lfq-tokenizer]
 *             [--classifier models/emoji-classifier] [--split heldout|train|all] [--limit N] [--batch 64]
 *             [--seed 1] [--json FILE]
 * </pre>
 *
 * <p>{@code --data} is either the emoji folder ({@code data/emoji}, with its fixed split; {@code --split}
 * picks the part, held out by default) or any folder of PNGs, prepared like the training data
 * ({@link ImageFolder}). With {@code --classifier}, the table holds FD(originals, reconstructions) (the
 * tokenizer reference), FD(originals, images decoded from uniformly random tokens) (the ceiling) and, for
 * the emoji held-out split, the floor (class-matched training subsets, mean of 5), plus category accuracy
 * on originals and reconstructions; every FD is printed with the classifier's hash and N.
 */
public final class ImageEval {

    public static final String USAGE = "usage: ImageEval --data DIR [--tokenizer models/image-tokenizer] "
            + "[--name lfq-tokenizer] [--classifier models/emoji-classifier] [--split heldout|train|all] [--limit N] "
            + "[--batch 64] [--seed 1] [--json FILE]";

    /**
     * What to score.
     *
     * @param data the emoji folder or a folder of PNGs
     * @param tokenizerDir model folder of the tokenizer
     * @param tokenizerName checkpoint name in it
     * @param classifierDir model folder of the FD classifier, or null for no FD
     * @param split for the emoji folder: heldout, train or all
     * @param limit at most this many images (0 = all)
     * @param batch images per forward pass
     * @param seed seed of the random tokens (ceiling) and the floor's subsets
     */
    public record Options(Path data, Path tokenizerDir, String tokenizerName, Path classifierDir, String split, int limit,
                          int batch, long seed) {
    }

    private ImageEval() {
    }

    public static void main(String[] argv) throws IOException {
        CommandLineArgs a;
        try {
            a = CommandLineArgs.parse(argv, USAGE, Set.of(), Set.of("--data", "--tokenizer", "--name", "--classifier",
                    "--split", "--limit", "--batch", "--seed", "--json"));
            if (!a.has("--data")) {
                throw new IllegalArgumentException("--data is required\n" + USAGE);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Options o = new Options(a.path("--data", null), a.path("--tokenizer", Path.of("models/image-tokenizer")),
                a.string("--name", TokenizerEvaluation.DEFAULT_NAME), a.path("--classifier", null),
                a.string("--split", "heldout"), a.intValue("--limit", 0), a.intValue("--batch", TokenizerEvaluation.DEFAULT_BATCH),
                a.longValue("--seed", 1));
        Engines.start();
        JsonObject result = run(o, System.out);
        Path json = a.path("--json", null);
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
            }
            Files.writeString(json, result.encodePrettily() + "\n");
        }
    }

    /** Whether {@code dir} is the emoji folder of {@code scripts/fetch-data emoji}. */
    static boolean isEmojiFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(EmojiDataset.TENSORS_FILE)) || Files.isRegularFile(dir.resolve("raw/VERSION"));
    }

    /** Scores the tokenizer and prints a table to {@code out}; returns everything as JSON. */
    public static JsonObject run(Options o, PrintStream out) throws IOException {
        ImageSet images;
        ImageSet train = null;
        String source;
        boolean labelled = isEmojiFolder(o.data());
        if (labelled) {
            EmojiDataset d = EmojiDataset.load(o.data());
            images = switch (o.split()) {
                case "heldout" -> d.heldOutSet();
                case "train" -> d.train();
                case "all" -> d.images();
                default -> throw new IllegalArgumentException("--split must be heldout, train or all, got " + o.split());
            };
            train = "heldout".equals(o.split()) ? d.train() : null;
            source = d.source() + ", " + o.split() + " split";
        } else {
            images = ImageFolder.load(o.data(), 32, 0);
            source = "PNG folder " + o.data();
        }
        if (o.limit() > 0 && images.count() > o.limit()) {
            images = images.subset(java.util.stream.IntStream.range(0, o.limit()).toArray());
        }
        JsonObject result = new JsonObject().put("data", o.data().toString()).put("source", source)
                .put("images", images.count());
        try (NDManager manager = NDManager.newBaseManager()) {
            LfqTokenizer tokenizer = LfqTokenizer.load(o.tokenizerDir(), o.tokenizerName(), manager);
            String tokenizerHash = FileHashes.shortSha256(Checkpoint.tensorsFile(o.tokenizerDir(), o.tokenizerName()));
            TokenizerEvaluation.Reconstructions rec = TokenizerEvaluation.reconstruct(tokenizer, images, manager, o.batch());
            TokenizerReport report = rec.report();
            CodebookStatistics cb = report.codebook();
            result.put("tokenizer", new JsonObject().put("dir", o.tokenizerDir().toString()).put("name", o.tokenizerName())
                    .put("sha256", tokenizerHash).put("config", tokenizer.config().toJson()));
            result.put("reconstruction", report.toJson());
            out.printf(Locale.ROOT, "tokenizer %s/%s (sha256 %s, K = %d) on %d images (%s)%n", o.tokenizerDir(),
                    o.tokenizerName(), tokenizerHash, cb.bits(), images.count(), source);
            out.printf(Locale.ROOT, "  PSNR %.3f dB   SSIM %.4f   L1 %.4f ([-1, 1] scale)%n", report.psnr(), report.ssim(),
                    report.l1());
            out.printf(Locale.ROOT, "  codebook usage %.4f (%d of %d codes; uniform random tokens would cover %.4f)%n",
                    cb.usage(), cb.distinct(), 1 << cb.bits(), cb.uniformCoverage());
            out.printf(Locale.ROOT, "  perplexity %.1f of at most %.0f (entropy %.3f bits); max |mean q_k| %.3f%s%n",
                    cb.perplexity(), cb.perplexityCeiling(), cb.entropyBits(), cb.maxBitBias(),
                    cb.collapseAlert() ? "  ALERT: a bit is nearly constant" : "");
            if (o.classifierDir() != null) {
                result.put("fdEmoji", fdTable(o, images, train, labelled, rec, tokenizer, manager, out));
            }
        }
        return result;
    }

    /**
     * @param train the training split for the floor, or null
     * @param labelled whether the images carry the classifier's categories (the emoji set)
     */
    private static JsonObject fdTable(Options o, ImageSet images, ImageSet train, boolean labelled,
                                      TokenizerEvaluation.Reconstructions rec, LfqTokenizer tokenizer, NDManager manager,
                                      PrintStream out) throws IOException {
        FdEmoji fd = FdEmoji.load(o.classifierDir(), manager);
        int n = images.count();
        FdEmoji.Embedding real = fd.embed(rec.originals(), rec.size(), manager);
        FdEmoji.Embedding reconstructed = fd.embed(rec.reconstructions(), rec.size(), manager);
        FdEmoji.Embedding random = fd.embed(TokenizerEvaluation.decodeRandomTokens(tokenizer, n, o.seed(), manager,
                o.batch()), rec.size(), manager);
        JsonObject table = new JsonObject().put("classifierSha256", fd.classifierHash()).put("n", n).put("seed", o.seed())
                .put("reference", FdEmoji.distance(real, reconstructed))
                .put("ceiling", FdEmoji.distance(real, random));
        out.printf(Locale.ROOT, "FD-emoji (classifier %s, N = %d, seed %d)%n", fd.classifierHash(), n, o.seed());
        if (train != null) {
            FdEmoji.Embedding trainEmbedding = fd.embed(train, manager);
            table.put("floor", FdEmoji.floor(real, images.labels(), trainEmbedding, train.labels(), FdEmoji.FLOOR_REPEATS,
                    o.seed()));
            out.printf(Locale.ROOT, "  floor (held-out vs class-matched training subsets, mean of %d)  %.4f%n",
                    FdEmoji.FLOOR_REPEATS, table.getDouble("floor"));
        }
        out.printf(Locale.ROOT, "  tokenizer reference (originals vs reconstructions)             %.4f%n",
                table.getDouble("reference"));
        out.printf(Locale.ROOT, "  ceiling (originals vs decoded uniformly random tokens)          %.4f%n",
                table.getDouble("ceiling"));
        if (labelled) {
            int[] counts = new int[images.numClasses()];
            for (int l : images.labels()) {
                counts[l]++;
            }
            int majority = java.util.Arrays.stream(counts).max().orElse(0);
            table.put("accuracyOriginals", real.accuracy(images.labels()))
                    .put("accuracyReconstructions", reconstructed.accuracy(images.labels()))
                    .put("chanceUniform", 1.0 / fd.classifier().config().numCategories())
                    .put("chanceMajority", (double) majority / n);
            out.printf(Locale.ROOT, "  category accuracy: originals %.4f, reconstructions %.4f (chance %.4f, majority %.4f)%n",
                    table.getDouble("accuracyOriginals"), table.getDouble("accuracyReconstructions"),
                    table.getDouble("chanceUniform"), table.getDouble("chanceMajority"));
        }
        return table;
    }
}
