package dev.tessera.distill.dd;

import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import dev.tessera.image.data.EmojiDataset;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.EmojiClassifier;
import dev.tessera.image.eval.FdEmoji;
import dev.tessera.image.eval.TokenizerEvaluation;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tessera eval distill-image}: FD-emoji and class accuracy of the teacher, the distilled student at 1
 * and 2 passes and the naive one-step baseline (specs/image.md 4 and 5), with images/s of each, in one run.
 * Images follow the held-out class histogram (image i has the class of held-out image i, seed {@code seed},
 * index i); N = the held-out size ({@code --quick}: 64). Floor (held-out vs class-matched training subsets)
 * and ceiling (decoded uniformly random tokens) are measured in the same run.
 *
 * <p>Settings ({@code --param}): {@code n} (held-out size), {@code seed} (1), {@code batch} (16). Data:
 * {@code --data} (data/emoji); models under {@code --models}: the teacher ({@code image-ar} or
 * {@code image-ar-factorized}), {@code image-dd}, {@code image-tokenizer}, {@code emoji-classifier}.
 */
public final class DdEvalSuite implements EvalSuite {

    public static final Path DEFAULT_DATA = Path.of("data/emoji");

    @Override
    public String name() {
        return "distill-image";
    }

    @Override
    public String description() {
        return "image AR teacher vs its distilled 1-/2-step student and the naive one-step floor: FD-emoji, class "
                + "accuracy, images/s";
    }

    @Override
    public BenchReport run(EvalOptions o) throws Exception {
        Path data = o.data() != null ? o.data() : DEFAULT_DATA;
        EmojiDataset dataset = EmojiDataset.load(data);
        ImageSet heldOut = dataset.heldOutSet();
        int n = Math.min(heldOut.count(), o.intParam("n", o.quick() ? 64 : heldOut.count()));
        int batch = o.intParam("batch", 16);
        long seed = o.intParam("seed", 1);
        ImageSet real = heldOut.subset(java.util.stream.IntStream.range(0, n).toArray());
        int[] classes = real.labels();
        BenchReport report = new BenchReport(name(), List.of("system", "passes", "fdEmoji", "classAccuracy",
                "imagesPerSecond", "speedup"));
        try (DdSystems systems = DdSystems.load(o.models(), false)) {
            if (systems.numClasses() != real.numClasses()) {
                throw new IllegalArgumentException("the teacher has " + systems.numClasses() + " classes, the data "
                        + real.numClasses() + " categories");
            }
            Path classifierDir = o.models().resolve(EmojiClassifier.NAME);
            FdEmoji fd = FdEmoji.load(classifierDir, systems.manager());
            FdEmoji.Embedding realEmbedding = fd.embed(real, systems.manager());
            double teacherSpeed = Double.NaN;
            for (DdSystems.Kind kind : DdSystems.Kind.values()) {
                long t0 = System.nanoTime();
                long[] tokens = new long[0];
                for (int from = 0; from < n; from += batch) {
                    int[] part = java.util.Arrays.copyOfRange(classes, from, Math.min(n, from + batch));
                    long[] got = systems.generate(kind, part, seed + from);
                    long[] all = java.util.Arrays.copyOf(tokens, tokens.length + got.length);
                    System.arraycopy(got, 0, all, tokens.length, got.length);
                    tokens = all;
                }
                float[] images = TokenizerEvaluation.decodeTokens(systems.tokenizer(), tokens, systems.manager(), batch);
                double seconds = (System.nanoTime() - t0) / 1e9;
                FdEmoji.Embedding e = fd.embed(images, systems.tokenizer().config().imageSize(), systems.manager());
                double speed = n / seconds;
                if (kind == DdSystems.Kind.TEACHER) {
                    teacherSpeed = speed;
                }
                report.row(kind.label, kind.passes, FdEmoji.distance(realEmbedding, e), e.accuracy(classes), speed,
                        speed / teacherSpeed);
            }
            FdEmoji.Embedding trainEmbedding = fd.embed(dataset.train(), systems.manager());
            double floor = FdEmoji.floor(realEmbedding, classes, trainEmbedding, dataset.train().labels(),
                    FdEmoji.FLOOR_REPEATS, seed);
            FdEmoji.Embedding randomTokens = fd.embed(TokenizerEvaluation.decodeRandomTokens(systems.tokenizer(), n, seed,
                    systems.manager(), batch), systems.tokenizer().config().imageSize(), systems.manager());
            report.row("floor: held-out vs training subsets", null, floor, realEmbedding.accuracy(classes), null, null);
            report.row("ceiling: random tokens", null, FdEmoji.distance(realEmbedding, randomTokens),
                    randomTokens.accuracy(classes), null, null);
            report.note("N = " + n + " images following the held-out class histogram, seed " + seed + ", batch " + batch
                    + "; classifier " + fd.classifierHash() + "; " + systems.note());
            report.note("images/s include the LFQ decoder; teacher and naive baseline sample with CFG 2, T 1, no filters "
                    + "(the student learned that sampler); class accuracy of real held-out images is the floor row's");
        }
        return report;
    }
}
