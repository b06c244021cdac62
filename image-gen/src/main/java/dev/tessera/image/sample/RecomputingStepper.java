package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.FlatArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.SubTokenSplit;

/**
 * Either model without a cache: every sub-token reruns the model's own teacher-forced forward pass over the
 * whole sequence (tokens not drawn yet are 0; causality keeps them out) and reads the logits at the
 * current position. Quadratic in the sequence, so a reference for the cached steppers and the baseline of
 * the "KV cache vs recomputation" benchmark, not a serving path.
 */
final class RecomputingStepper implements TokenStepper {

    private final ImageTokenModel model;
    private final NDManager run;
    private final ParameterStore ps;
    private final SubTokenSplit split; // null for the flat head
    private final long[] classes;
    private final long[] tokens;       // (R, T), row-major
    private final int length;
    private int position;
    private int subToken;
    private long[] pre;

    RecomputingStepper(ImageTokenModel model, NDManager run, long[] classes) {
        if (!(model instanceof FactorizedArTransformer) && !(model instanceof FlatArTransformer)) {
            throw new IllegalArgumentException("no step-wise sampler for " + model.getClass().getSimpleName());
        }
        this.model = model;
        this.run = run;
        this.ps = new ParameterStore(run, false);
        this.split = model instanceof FactorizedArTransformer f ? f.split() : null;
        this.classes = classes.clone();
        this.length = model.trunkConfig().tokens();
        this.tokens = new long[classes.length * length];
    }

    @Override
    public int[] subTokenSizes() {
        return split == null ? new int[] {1 << model.bits()} : new int[] {split.preSize(), split.postSize()};
    }

    @Override
    public float[] nextLogits() {
        try (NDManager step = run.newSubManager()) {
            NDArray t = step.create(tokens, new Shape(classes.length, length));
            NDArray c = step.create(classes);
            NDArray all;                                                             // (R, T, V)
            if (model instanceof FactorizedArTransformer f) {
                FactorizedArTransformer.Logits l = f.logits(ps, t, c, false);
                all = subToken == 0 ? l.pre() : l.post();
            } else {
                all = ((FlatArTransformer) model).logits(ps, t, c, false);
            }
            return all.get(":, {}, :", position).toFloatArray();                     // (R, V)
        }
    }

    @Override
    public void append(long[] values) {
        for (int r = 0; r < classes.length; r++) {
            int at = r * length + position;
            if (split == null) {
                tokens[at] = values[r];
            } else if (subToken == 0) {
                tokens[at] = split.merge(values[r], 0); // the post logits at t see the pre drawn at t
            } else {
                tokens[at] = split.merge(pre[r], values[r]);
            }
        }
        if (split != null && subToken == 0) {
            pre = values.clone();
            subToken = 1;
            return;
        }
        subToken = 0;
        position++;
    }

    @Override
    public long token(long[] subTokens) {
        return split == null ? subTokens[0] : split.merge(subTokens[0], subTokens[1]);
    }
}
