package dev.tessera.distill.dd;

import ai.djl.ndarray.NDManager;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.SubTokenSplit;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.TokenListener;
import dev.tessera.image.sample.TokenSampler;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Makes distilled-decoding pairs (specs/image.md 5.2): for a class c and a seed, the noise
 * {@code e (T x K)} of {@link PortableNoise}, and the tokens the teacher gives along its flow: token by token
 * with the KV-cached {@link TokenSampler} (guidance and temperature as {@code params}), each token's pre
 * sub-token the image of {@code e_t[0 .. preBits)} under the {@link PointMixtureFlow} of the teacher's pre
 * distribution, then its post sub-token the image of {@code e_t[preBits .. K)} under the flow of the post
 * distribution given that pre (the chained flow of 5.1). Tokens are a deterministic function of (c, e); no
 * real image is needed.
 *
 * <p>Pair i of a run with seed S has class and seed drawn from {@code SplittableRandom} streams of (S, i), so a
 * run that stopped continues with the same pairs.
 */
public final class PairGenerator {

    private final FactorizedArTransformer teacher;
    private final SamplingParams params;
    private final int odeSteps;
    private final SubTokenSplit split;
    private final int bits;
    private final int tokens;

    /**
     * @param params the teacher's sampling setting (the evaluation one: CFG 2, T 1, no filters)
     * @param odeSteps Euler steps of the flows (64)
     */
    public PairGenerator(FactorizedArTransformer teacher, SamplingParams params, int odeSteps) {
        this.teacher = teacher;
        this.params = params;
        this.odeSteps = odeSteps;
        this.split = teacher.split();
        this.bits = teacher.bits();
        this.tokens = teacher.trunkConfig().tokens();
        new PointMixtureFlow(bits, odeSteps); // validates
    }

    public SamplingParams params() {
        return params;
    }

    public int odeSteps() {
        return odeSteps;
    }

    /**
     * The teacher's tokens for each (class, seed): {@code (n, T)} raster-order indices.
     *
     * @param classes class ids in {@code [0, numClasses]} (numClasses = unconditional, never guided)
     */
    public long[][] generate(NDManager manager, int[] classes, long[] seeds) {
        int n = classes.length;
        double[][] noise = new double[n][];
        List<SampleSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            noise[i] = PortableNoise.gaussian(seeds[i], tokens * bits);
            specs.add(new SampleSpec(classes[i], seeds[i], 0, params));
        }
        PointMixtureFlow preFlow = new PointMixtureFlow(split.preBits(), odeSteps);
        PointMixtureFlow postFlow = new PointMixtureFlow(split.postBits(), odeSteps);
        return new TokenSampler(teacher).sample(manager, specs, TokenListener.NONE, (image, t, m, p, random) ->
                m == 0 ? preFlow.map(p, noise[image], t * bits)
                        : postFlow.map(p, noise[image], t * bits + split.preBits()));
    }

    /** The class of pair i: uniform over the classes, the null class with probability {@code nullShare}. */
    public static int classOf(long runSeed, int i, int numClasses, double nullShare) {
        SplittableRandom r = new SplittableRandom(new SplittableRandom(runSeed).nextLong() ^ (0x9E3779B97F4A7C15L * (i + 1)));
        return r.nextDouble() < nullShare ? numClasses : r.nextInt(numClasses);
    }

    /** The noise seed of pair i. */
    public static long seedOf(long runSeed, int i) {
        return new SplittableRandom(runSeed ^ (0xC2B2AE3D27D4EB4FL * (i + 1))).nextLong();
    }

    /**
     * Appends pairs to {@code dir} until it holds {@code n}, {@code batch} images per teacher run; writes
     * {@code pairs.json} with {@code meta} plus K, T, seed, flow steps and sampling settings.
     *
     * @param progress told the number of pairs in the folder after each batch
     * @return pairs in the folder
     */
    public int generateInto(NDManager manager, Path dir, int n, long runSeed, double nullShare, int batch,
                            JsonObject meta, IntConsumer progress) throws IOException {
        int numClasses = teacher.trunkConfig().numClasses();
        Files.createDirectories(dir);
        JsonObject m = meta.copy().put("bits", bits).put("tokens", tokens).put("seed", runSeed)
                .put("nullShare", nullShare).put("odeSteps", odeSteps).put("sampling", params.toJson())
                .put("flow", "chained pre then post, uniform Euler").put("noise", "SplittableRandom(seed) + Box-Muller");
        Path metaFile = dir.resolve(DdPairs.META);
        if (Files.exists(metaFile)) {
            JsonObject old = new JsonObject(Files.readString(metaFile));
            for (String key : List.of("bits", "tokens", "seed", "nullShare", "odeSteps", "sampling")) {
                // compared as JSON text: a number read back may be an Integer where a Long was written
                if (!io.vertx.core.json.Json.encode(old.getValue(key)).equals(io.vertx.core.json.Json.encode(m.getValue(key)))) {
                    throw new IllegalArgumentException("the pairs in " + dir + " were made with " + key + " = "
                            + old.getValue(key) + ", not " + m.getValue(key) + "; use another --out or the same settings");
                }
            }
        }
        Files.writeString(metaFile, m.encodePrettily() + "\n");
        try (FileChannel ch = DdPairs.openForAppend(dir, tokens)) {
            int have = (int) (ch.position() / DdPairs.recordBytes(tokens));
            progress.accept(have);
            while (have < n) {
                int b = Math.min(batch, n - have);
                int[] classes = new int[b];
                long[] seeds = new long[b];
                for (int i = 0; i < b; i++) {
                    classes[i] = classOf(runSeed, have + i, numClasses, nullShare);
                    seeds[i] = seedOf(runSeed, have + i);
                }
                long[][] grids = generate(manager, classes, seeds);
                for (int i = 0; i < b; i++) {
                    DdPairs.append(ch, classes[i], seeds[i], grids[i]);
                }
                ch.force(false);
                have += b;
                progress.accept(have);
            }
            return have;
        }
    }
}
