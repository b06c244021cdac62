package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization"),
 * written out over NDArrays so that its state, the moments m and v of every parameter and the update
 * count t, can be saved and restored exactly (DJL's own optimizers keep theirs out of reach).
 *
 * <p>One update with learning rate lr, for each trainable parameter w with gradient g, as in
 * {@code torch.optim.AdamW}:
 * <pre>
 *   t = t + 1
 *   w = w * (1 - lr * lambda)                 (decoupled decay; only matrices and kernels)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Updates happen after the gradient collector is closed, in place on the parameters' storage.
 */
public final class AdamW implements AutoCloseable {

    private final TrainableParameters params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    /**
     * Zero moments for every trainable parameter, owned by a sub-manager of {@code parent} that
     * {@link #close()} closes.
     */
    public AdamW(NDManager parent, TrainableParameters params, double beta1, double beta2, double eps,
                 double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("need 0 <= beta1, beta2 < 1, eps > 0 and weightDecay >= 0, got beta1="
                    + beta1 + " beta2=" + beta2 + " eps=" + eps + " weightDecay=" + weightDecay);
        }
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        for (TrainableParameters.Entry e : params.trainable()) {
            m.add(manager.zeros(e.array().getShape(), DataType.FLOAT32));
            v.add(manager.zeros(e.array().getShape(), DataType.FLOAT32));
        }
    }

    public static AdamW of(NDManager parent, TrainableParameters params, TrainConfig c) {
        return new AdamW(parent, params, c.beta1(), c.beta2(), c.eps(), c.weightDecay());
    }

    /** Updates done so far (Adam's t). */
    public long updates() {
        return t;
    }

    /**
     * One update.
     *
     * @param grads gradients in {@link TrainableParameters#trainable()} order (after clipping)
     * @param learningRate this step's rate
     * @param step the step's manager; every temporary is owned by it
     */
    public void step(List<NDArray> grads, double learningRate, NDManager step) {
        List<TrainableParameters.Entry> entries = params.trainable();
        if (grads.size() != entries.size()) {
            throw new IllegalArgumentException("expected " + entries.size() + " gradients, got " + grads.size());
        }
        t++;
        double bias1 = 1 - Math.pow(beta1, t);
        double sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, t));
        float stepSize = (float) (learningRate / bias1);
        for (int i = 0; i < entries.size(); i++) {
            TrainableParameters.Entry e = entries.get(i);
            NDArray w = TrainableParameters.alias(e.array(), step);
            NDArray mi = TrainableParameters.alias(m.get(i), step);
            NDArray vi = TrainableParameters.alias(v.get(i), step);
            NDArray g = TrainableParameters.alias(grads.get(i), step);
            if (e.decayed() && weightDecay > 0) {
                w.muli((float) (1 - learningRate * weightDecay));
            }
            mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            vi.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
            NDArray denom = vi.sqrt().divi((float) sqrtBias2).addi((float) eps);
            w.subi(mi.div(denom).muli(stepSize));
        }
    }

    /**
     * The live state by key: {@code m.<name>} and {@code v.<name>} for every trainable parameter. Read
     * it (to save it) before the next {@link #step}; do not keep it.
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<TrainableParameters.Entry> entries = params.trainable();
        for (int i = 0; i < entries.size(); i++) {
            out.put("m." + entries.get(i).name(), m.get(i));
        }
        for (int i = 0; i < entries.size(); i++) {
            out.put("v." + entries.get(i).name(), v.get(i));
        }
        return out;
    }

    /**
     * Restores a state written by {@link #state()} and the update count it belongs to.
     *
     * @throws IllegalArgumentException naming each missing key or mismatched shape, before anything changes
     */
    public void load(Map<String, NDArray> state, long updates) {
        if (updates < 0) {
            throw new IllegalArgumentException("updates must be >= 0, got " + updates);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> mine : state().entrySet()) {
            NDArray theirs = state.get(mine.getKey());
            if (theirs == null) {
                problems.add("missing " + mine.getKey());
            } else if (!theirs.getShape().equals(mine.getValue().getShape())) {
                problems.add(mine.getKey() + " has shape " + theirs.getShape() + ", expected " + mine.getValue().getShape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("AdamW state does not fit the parameters: " + String.join("; ", problems));
        }
        List<TrainableParameters.Entry> entries = params.trainable();
        for (int i = 0; i < entries.size(); i++) {
            replace(m, i, state.get("m." + entries.get(i).name()));
            replace(v, i, state.get("v." + entries.get(i).name()));
        }
        t = updates;
    }

    private void replace(List<NDArray> slots, int i, NDArray value) {
        NDArray copy = value.toType(DataType.FLOAT32, false).duplicate();
        copy.attach(manager);
        slots.get(i).close();
        slots.set(i, copy);
    }

    @Override
    public void close() {
        manager.close();
    }
}
