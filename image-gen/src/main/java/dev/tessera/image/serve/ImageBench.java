package dev.tessera.image.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArConfig;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.eval.NoGradient;
import dev.tessera.image.lfq.LfqTokenizer;
import dev.tessera.image.lfq.LfqTokenizerConfig;
import dev.tessera.image.sample.PreviewFill;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenDecoder;
import dev.tessera.image.sample.TokenSampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tessera bench image} (specs/image.md 4, "images/s and tokens/s at batch 1 and 16, CFG on, after
 * warm-up, decoder included, side by side"): sampling speed of each AR model with the KV cache next to full
 * recomputation (the reference) at batch 1 and 16, and the tokenizer's encode and decode speed.
 *
 * <p>It runs the models installed under {@code --param models=DIR} (default {@code models}): the AR folders
 * of {@link ImageEvalSuite#AR_FOLDERS} and {@code image-tokenizer}. Where none is installed it builds
 * randomly initialised models of the default size (factorized and flat heads, K = 14; the tokenizer of
 * specs/image.md 1.3) and says so in the table: speed does not depend on the weights.
 *
 * <p>Settings ({@code --param}): {@code models} (models), {@code tokens} (tokens sampled per image: 64;
 * {@code --quick}: 8; fewer than the grid makes the rows a prefix, and recomputation's cost grows with the
 * position, so its ratio is then understated), {@code batches} (1,16), {@code repeats} (timed runs after one
 * warm-up: 2; {@code --quick}: 1), {@code recompute} (1 = also time full recomputation; 0 = off).
 */
public final class ImageBench implements BenchSuite {

    @Override
    public String name() {
        return "image";
    }

    @Override
    public String description() {
        return "image sampling images/s at batch 1 and 16, KV cache vs recomputation, factorized vs flat; tokenizer "
                + "encode/decode images/s";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        Path models = Path.of(options.params().getOrDefault("models", "models"));
        int tokens = options.intParam("tokens", options.quick() ? 8 : 64);
        int repeats = options.intParam("repeats", options.quick() ? 1 : 2);
        boolean recompute = options.intParam("recompute", 1) != 0;
        List<Integer> batches = new ArrayList<>();
        for (String b : options.params().getOrDefault("batches", "1,16").split(",")) {
            batches.add(Integer.parseInt(b.strip()));
        }
        if (repeats < 1 || batches.stream().anyMatch(b -> b < 1 || b > 256)) {
            throw new IllegalArgumentException("--param repeats must be >= 1 and batches in 1..256");
        }
        Engines.start();
        Engines.applyThreadSettings();
        BenchReport report = new BenchReport(name(), List.of("part", "model", "mode", "batch", "tokens", "seconds",
                "images_per_s", "tokens_per_s", "ratio"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Path tokenizerDir = models.resolve(ImageGenerator.TOKENIZER_DIR);
            LfqTokenizer tokenizer;
            String tokenizerName;
            if (Checkpoint.exists(tokenizerDir, LfqTokenizer.CHECKPOINT)) {
                tokenizer = LfqTokenizer.load(tokenizerDir, LfqTokenizer.CHECKPOINT, manager);
                tokenizerName = tokenizerDir.toString();
            } else {
                tokenizer = new LfqTokenizer(LfqTokenizerConfig.defaults());
                tokenizer.initialize(manager);
                tokenizerName = "random default tokenizer (K = 14)";
            }
            int bits = tokenizer.config().bits();
            Map<String, ImageTokenModel> ars = new LinkedHashMap<>();
            for (String f : ImageEvalSuite.AR_FOLDERS) {
                if (Checkpoint.exists(models.resolve(f), ImageTokenModels.CHECKPOINT)) {
                    ImageTokenModel m = ImageTokenModels.load(models.resolve(f), ImageTokenModels.CHECKPOINT, manager);
                    if (m.bits() == bits) {
                        ars.put(models.resolve(f) + " (" + (m instanceof FlatArTransformer ? "flat" : "factorized") + ")", m);
                    }
                }
            }
            if (ars.isEmpty()) {
                FactorizedArTransformer f = new FactorizedArTransformer(FactorizedArConfig.defaults(bits));
                f.initialize(manager, DataType.FLOAT32);
                FlatArTransformer flat = new FlatArTransformer(new FlatArConfig(bits, f.trunkConfig()));
                flat.initialize(manager, DataType.FLOAT32);
                ars.put("random default factorized (K = " + bits + ")", f);
                ars.put("random default flat (K = " + bits + ")", flat);
                report.note("no AR model installed under " + models + ": randomly initialised models of the default size "
                        + "(speed does not depend on the weights)");
            }
            TokenDecoder decoder = new TokenDecoder(tokenizer, PreviewFill.fromJson(null, 0, tokenizer.config().tokens(), bits));
            for (Map.Entry<String, ImageTokenModel> e : ars.entrySet()) {
                for (int batch : batches) {
                    double cached = samplingSeconds(e.getValue(), TokenSampler.Mode.KV_CACHE, decoder, batch, tokens,
                            repeats, manager);
                    row(report, "sampling", e.getKey(), "kv-cache", batch, tokens, cached, null);
                    if (recompute) {
                        double full = samplingSeconds(e.getValue(), TokenSampler.Mode.RECOMPUTE, decoder, batch, tokens,
                                repeats, manager);
                        row(report, "sampling", e.getKey(), "recompute (reference)", batch, tokens, full, full / cached);
                    }
                }
            }
            for (int batch : batches) {
                double[] s = tokenizerSeconds(tokenizer, batch, repeats, manager);
                row(report, "tokenizer", tokenizerName, "encode", batch, null, s[0], null);
                row(report, "tokenizer", tokenizerName, "decode", batch, null, s[1], s[0] / s[1]);
            }
            report.note(String.format(Locale.ROOT, "sampling: CFG on (evaluation setting %s), %d of %d tokens per image, "
                            + "decoder included; one warm-up run, then the mean of %d; ratio = recompute s / kv-cache s",
                    SamplingParams.EVALUATION.toJson().encode(), tokens, tokenizer.config().tokens(), repeats));
            report.note("tokenizer: images of uniform noise in [-1, 1]; ratio on the decode row = encode s / decode s");
            report.note("threads: intra-op " + ai.djl.pytorch.jni.JniUtils.getNumThreads()
                    + " (TESSERA_THREADS); absolute figures depend on the machine and its load");
        }
        return report;
    }

    private static void row(BenchReport report, String part, String model, String mode, int batch, Integer tokens,
                            double seconds, Double ratio) {
        report.row(part, model, mode, batch, tokens, seconds, batch / seconds,
                tokens == null ? null : batch * tokens / seconds, ratio);
    }

    /** Mean seconds of one batch: {@code tokens} tokens of {@code batch} images, then decoding the grids. */
    static double samplingSeconds(ImageTokenModel model, TokenSampler.Mode mode, TokenDecoder decoder, int batch,
                                  int tokens, int repeats, NDManager manager) {
        TokenSampler sampler = new TokenSampler(model, mode);
        double total = 0;
        for (int r = 0; r <= repeats; r++) {
            List<SampleSpec> specs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                specs.add(new SampleSpec(i % model.trunkConfig().numClasses(), r, i, SamplingParams.EVALUATION));
            }
            long t0 = System.nanoTime();
            long[][] grids = sampler.sample(manager, specs, p -> p.step() < tokens);
            for (long[] g : grids) {
                for (int t = 0; t < g.length; t++) {
                    g[t] = g[t] < 0 ? 0 : g[t];   // a prefix run: decode the pending positions as code 0
                }
            }
            decoder.decode(manager, Arrays.asList(grids));
            if (r > 0) {                          // run 0 warms up
                total += (System.nanoTime() - t0) / 1e9;
            }
        }
        return total / repeats;
    }

    /** Mean seconds to encode (tokenize) and to decode (detokenize) {@code batch} images. */
    static double[] tokenizerSeconds(LfqTokenizer tokenizer, int batch, int repeats, NDManager manager) {
        return NoGradient.call(() -> {
            double encode = 0;
            double decode = 0;
            int s = tokenizer.config().imageSize();
            for (int r = 0; r <= repeats; r++) {
                try (NDManager m = manager.newSubManager()) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(batch, 3, s, s));
                    long t0 = System.nanoTime();
                    NDArray ids = tokenizer.tokenize(ps, x);
                    ids.toLongArray();                                   // wait for the values
                    long t1 = System.nanoTime();
                    tokenizer.detokenize(ps, ids).toFloatArray();
                    long t2 = System.nanoTime();
                    if (r > 0) {
                        encode += (t1 - t0) / 1e9;
                        decode += (t2 - t1) / 1e9;
                    }
                }
            }
            return new double[] {encode / repeats, decode / repeats};
        });
    }
}
