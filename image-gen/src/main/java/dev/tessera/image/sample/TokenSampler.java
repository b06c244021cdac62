package dev.tessera.image.sample;

import ai.djl.ndarray.NDManager;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples image token grids from either {@link ImageTokenModel} (specs/image.md 3), the models knowing
 * nothing of it. A run draws every token of a batch of images in raster order:
 *
 * <pre>
 * rows: the B images with their classes, then one null-class row per guided image (CFG)
 * for each token t, for each sub-token m (pre then post; the flat head has one):
 *     logits = model step (KV cache)                               (rows, V_m), copied to the host
 *     per image: l = l_u + s_m (l_c - l_u) if guided at t, else l_c; / T_m; top-k; top-p; softmax;
 *                draw with the image's own SplittableRandom(seed, index)
 *     the drawn value is fed to the image's row and its null-class row
 * listener(t + 1, partial grids); it may stop the run
 * </pre>
 *
 * <p>Draws depend only on an image's seed, index, class and settings, never on the batch around it:
 * a batch of three images equals three runs of one (up to float rounding in the forward pass, which the
 * tests bound).
 */
public final class TokenSampler {

    /** How the model is stepped. */
    public enum Mode {
        /** One position per step with cached keys and values: linear in the sequence. */
        KV_CACHE,
        /** The full teacher-forced forward pass for every sub-token: quadratic; the reference. */
        RECOMPUTE
    }

    private final ImageTokenModel model;
    private final Mode mode;

    /** A KV-cached sampler. */
    public TokenSampler(ImageTokenModel model) {
        this(model, Mode.KV_CACHE);
    }

    public TokenSampler(ImageTokenModel model, Mode mode) {
        if (!(model instanceof FactorizedArTransformer) && !(model instanceof FlatArTransformer)) {
            throw new IllegalArgumentException("no step-wise sampler for " + model.getClass().getSimpleName());
        }
        this.model = model;
        this.mode = mode;
    }

    public ImageTokenModel model() {
        return model;
    }

    public Mode mode() {
        return mode;
    }

    /** Tokens per image (64). */
    public int tokens() {
        return model.trunkConfig().tokens();
    }

    /**
     * Samples one token grid per spec.
     *
     * @param manager the caller's manager; the run's caches and intermediates live in a sub-manager of it,
     *     closed before this returns
     * @param listener called after every token; returning false stops the run
     * @return one raster-order grid of {@link #tokens()} indices per spec, in order; when the listener
     *     stopped the run, the tokens not drawn are -1
     */
    public long[][] sample(NDManager manager, List<SampleSpec> specs, TokenListener listener) {
        return sample(manager, specs, listener, SubTokenDraw.ANCESTRAL);
    }

    /**
     * As {@link #sample(NDManager, List, TokenListener)}, each sub-token's value chosen by {@code draw} from
     * its distribution (CFG, temperature, top-k, top-p applied).
     */
    public long[][] sample(NDManager manager, List<SampleSpec> specs, TokenListener listener, SubTokenDraw draw) {
        int b = specs.size();
        int nullClass = model.trunkConfig().nullClass();
        if (b == 0) {
            return new long[0][];
        }
        // Rows: the images, then the null-class twin of each guided image.
        int[] twin = new int[b];
        int rows = b;
        for (int i = 0; i < b; i++) {
            SampleSpec s = specs.get(i);
            if (s.classId() > nullClass) {
                throw new IllegalArgumentException("class " + s.classId() + " of image " + i + " is outside [0, "
                        + nullClass + "] (" + nullClass + " = unconditional)");
            }
            twin[i] = s.classId() != nullClass && s.params().guided() ? rows++ : -1;
        }
        long[] classes = new long[rows];
        SplittableRandom[] random = new SplittableRandom[b];
        for (int i = 0; i < b; i++) {
            classes[i] = specs.get(i).classId();
            if (twin[i] >= 0) {
                classes[twin[i]] = nullClass;
            }
            random[i] = specs.get(i).random();
        }

        int length = tokens();
        long[][] grids = new long[b][length];
        for (long[] g : grids) {
            Arrays.fill(g, -1);
        }
        try (NDManager run = manager.newSubManager()) {
            TokenStepper stepper = stepper(run, classes);
            int[] sizes = stepper.subTokenSizes();
            SubTokenSampler[] samplers = new SubTokenSampler[sizes.length];
            for (int m = 0; m < sizes.length; m++) {
                samplers[m] = new SubTokenSampler(sizes[m]);
            }
            long[][] subTokens = new long[b][sizes.length];
            long[] drawn = new long[rows];
            for (int t = 0; t < length; t++) {
                for (int m = 0; m < sizes.length; m++) {
                    int v = sizes[m];
                    float[] logits = stepper.nextLogits();                       // (rows, V_m)
                    for (int i = 0; i < b; i++) {
                        SamplingParams p = specs.get(i).params();
                        SubTokenSampling s = p.subToken(m);
                        boolean guide = twin[i] >= 0 && s.guided() && p.guides(t);
                        double[] probs = samplers[m].probabilities(logits, i * v, guide ? logits : null,
                                guide ? twin[i] * v : 0, s);
                        int value = draw.draw(i, t, m, probs, random[i]);
                        subTokens[i][m] = value;
                        drawn[i] = value;
                        if (twin[i] >= 0) {
                            drawn[twin[i]] = value;
                        }
                    }
                    stepper.append(drawn);
                }
                for (int i = 0; i < b; i++) {
                    grids[i][t] = stepper.token(subTokens[i]);
                }
                if (!listener.onToken(new TokenProgress(t + 1, length, grids))) {
                    break;
                }
            }
        }
        return grids;
    }

    /** The stepper of this sampler's mode over {@code classes}, its caches in {@code run}. */
    TokenStepper stepper(NDManager run, long[] classes) {
        if (mode == Mode.RECOMPUTE) {
            return new RecomputingStepper(model, run, classes);
        }
        return model instanceof FactorizedArTransformer f
                ? new CachedFactorizedStepper(f, run, classes)
                : new CachedFlatStepper((FlatArTransformer) model, run, classes);
    }
}
