package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of the weights: a shadow copy of every parameter, moved towards the
 * live weights after each update,
 * <pre>
 *   shadow = decay * shadow + (1 - decay) * w
 * </pre>
 * so it averages over the last ~1 / (1 - decay) steps (1000 for 0.999). The averaged weights are what
 * a generative model usually ships. Running statistics are averaged too, like timm's ModelEmaV2.
 */
public final class Ema implements AutoCloseable {

    private final TrainableParameters params;
    private final double decay;
    private final NDManager manager;
    private final List<NDArray> shadows = new ArrayList<>();

    /** Shadows start as copies of the current weights; they are owned by a sub-manager of {@code parent}. */
    public Ema(NDManager parent, TrainableParameters params, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
        }
        this.params = params;
        this.decay = decay;
        this.manager = parent.newSubManager();
        shadows.addAll(params.copies(manager).values());
    }

    public double decay() {
        return decay;
    }

    /** Moves every shadow towards its weight; temporaries are owned by {@code step}. */
    public void update(NDManager step) {
        List<TrainableParameters.Entry> entries = params.all();
        for (int i = 0; i < entries.size(); i++) {
            NDArray shadow = TrainableParameters.alias(shadows.get(i), step);
            NDArray w = TrainableParameters.alias(entries.get(i).array(), step);
            shadow.muli((float) decay).addi(w.mul((float) (1 - decay)));
        }
    }

    /** The live averaged weights by parameter name; read them before the next {@link #update}, do not keep them. */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<TrainableParameters.Entry> entries = params.all();
        for (int i = 0; i < entries.size(); i++) {
            out.put(entries.get(i).name(), shadows.get(i));
        }
        return out;
    }

    /** Restores the shadows from weights by name (as {@link #weights()} gives them). */
    public void load(Map<String, NDArray> weights) {
        List<String> problems = new ArrayList<>();
        List<TrainableParameters.Entry> entries = params.all();
        for (int i = 0; i < entries.size(); i++) {
            NDArray w = weights.get(entries.get(i).name());
            if (w == null) {
                problems.add("missing " + entries.get(i).name());
            } else if (!w.getShape().equals(shadows.get(i).getShape())) {
                problems.add(entries.get(i).name() + " has shape " + w.getShape() + ", expected "
                        + shadows.get(i).getShape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("EMA weights do not fit the parameters: " + String.join("; ", problems));
        }
        for (int i = 0; i < entries.size(); i++) {
            NDArray copy = weights.get(entries.get(i).name()).duplicate();
            copy.attach(manager);
            shadows.get(i).close();
            shadows.set(i, copy);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
