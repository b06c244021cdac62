package dev.tessera.distill.dd;

import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.image.eval.TokenizerEvaluation;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tessera bench distill-image}: images/s of the teacher (token by token, KV cache, CFG 2), the distilled
 * student at 1 and 2 passes and the naive one-step baseline, at batch 1 and 16, side by side in one run, after a
 * warm-up; tokens alone and with the LFQ decoder, and each one's speed-up over the teacher (the goal: 1 step at
 * 20x or more at batch 16). Uses the models under {@code models/} ({@code --param models=DIR}), or random
 * weights at the default size for the ones missing (speed does not depend on training; the table says so).
 * Settings: {@code models}, {@code batches} (1,16), {@code repeats} (3; {@code --quick}: 1).
 */
public final class DdBenchSuite implements BenchSuite {

    @Override
    public String name() {
        return "distill-image";
    }

    @Override
    public String description() {
        return "image AR teacher vs distilled 1-/2-step student vs naive one-step: images/s at batch 1 and 16";
    }

    @Override
    public BenchReport run(BenchOptions o) throws Exception {
        Path models = Path.of(o.params().getOrDefault("models", "models"));
        int repeats = o.intParam("repeats", o.quick() ? 1 : 3);
        String batches = o.params().getOrDefault("batches", "1,16");
        BenchReport report = new BenchReport(name(), List.of("system", "batch", "tokensImagesPerSecond",
                "imagesPerSecond", "speedupTokens", "speedup"));
        try (DdSystems systems = DdSystems.load(models, true)) {
            for (String b : batches.split(",")) {
                int batch = Integer.parseInt(b.strip());
                int[] classes = new int[batch];
                for (int i = 0; i < batch; i++) {
                    classes[i] = i % systems.numClasses();
                }
                double teacherTokens = Double.NaN;
                double teacherAll = Double.NaN;
                for (DdSystems.Kind kind : DdSystems.Kind.values()) {
                    systems.generate(kind, classes, 0);                                  // warm-up
                    double tokenSeconds = Double.MAX_VALUE;
                    double allSeconds = Double.MAX_VALUE;
                    for (int r = 0; r < repeats; r++) {
                        long t0 = System.nanoTime();
                        long[] tokens = systems.generate(kind, classes, r + 1);
                        long t1 = System.nanoTime();
                        TokenizerEvaluation.decodeTokens(systems.tokenizer(), tokens, systems.manager(), batch);
                        long t2 = System.nanoTime();
                        tokenSeconds = Math.min(tokenSeconds, (t1 - t0) / 1e9);
                        allSeconds = Math.min(allSeconds, (t2 - t0) / 1e9);
                    }
                    double tokensSpeed = batch / tokenSeconds;
                    double allSpeed = batch / allSeconds;
                    if (kind == DdSystems.Kind.TEACHER) {
                        teacherTokens = tokensSpeed;
                        teacherAll = allSpeed;
                    }
                    report.row(kind.label, batch, tokensSpeed, allSpeed, tokensSpeed / teacherTokens, allSpeed / teacherAll);
                }
            }
            report.note(systems.note() + "; best of " + repeats + " after one warm-up; " + ai.djl.pytorch.jni.JniUtils
                    .getNumThreads() + " intra-op threads");
        }
        return report;
    }
}
