package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a block under stable names: DJL's {@code block.getParameters()} keys, e.g.
 * {@code 01Linear_weight}, which depend only on the block's structure. These names are the keys of
 * checkpoints, optimizer state and EMA weights.
 *
 * <p>Every parameter is saved and averaged; only those that require a gradient are optimized (a
 * frozen weight or a running statistic is kept as it is, but must come back on resume). A parameter
 * shared by two children appears once, under its first name, so it is updated once per step.
 *
 * <p>Updates write through {@linkplain #alias aliases}: a detached view of the same storage. libtorch
 * refuses in-place writes to a leaf that requires grad while grad mode is on, and grad mode is per
 * thread (on in every thread but the one that loaded the engine), so writing to the parameter array
 * itself would fail on a worker thread.
 */
public final class TrainableParameters {

    /**
     * One parameter.
     *
     * @param name stable key
     * @param parameter DJL's parameter (its array is the live weight)
     * @param trainable whether the optimizer updates it (it requires a gradient)
     * @param decayed whether weight decay applies: matrices, kernels and embedding tables (rank >= 2),
     *     not biases or norm gains (nanoGPT's rule)
     */
    public record Entry(String name, Parameter parameter, boolean trainable, boolean decayed) {

        public NDArray array() {
            return parameter.getArray();
        }
    }

    private final List<Entry> all;
    private final List<Entry> trainable;
    private final Map<String, Entry> byName;

    public TrainableParameters(Block block) {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("the block is not initialized: call block.initialize(manager, "
                    + "DataType.FLOAT32, inputShapes...) before training it");
        }
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (seen.put(p, Boolean.TRUE) != null) {
                continue;
            }
            if (!p.isInitialized()) {
                throw new IllegalArgumentException("parameter " + pair.getKey() + " has no array: initialize the block "
                        + "with every input shape before training it");
            }
            NDArray a = p.getArray();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + pair.getKey() + " is " + a.getDataType()
                        + "; the trainer keeps float32 weights only");
            }
            entries.add(new Entry(pair.getKey(), p, p.requiresGradient(), a.getShape().dimension() >= 2));
        }
        Map<String, Entry> names = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (names.put(e.name(), e) != null) {
                throw new IllegalArgumentException("two parameters are both named " + e.name()
                        + "; give the blocks distinct names");
            }
        }
        this.all = Collections.unmodifiableList(entries);
        this.trainable = entries.stream().filter(Entry::trainable).toList();
        this.byName = Collections.unmodifiableMap(names);
    }

    /** Every parameter, in the block's order. */
    public List<Entry> all() {
        return all;
    }

    /** The parameters the optimizer updates, in the block's order. */
    public List<Entry> trainable() {
        return trainable;
    }

    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; the block has " + byName.keySet());
        }
        return e;
    }

    /** Number of scalars in all parameters. */
    public long count() {
        return all.stream().mapToLong(e -> e.array().size()).sum();
    }

    /**
     * A detached view of {@code array}'s storage owned by {@code step}: in-place operations on it write
     * through to {@code array}, and temporaries computed from it are owned by {@code step} too (DJL
     * attaches a result to its first operand's manager), so they die with the step.
     */
    public static NDArray alias(NDArray array, NDManager step) {
        NDArray view = array.stopGradient();
        view.attach(step);
        return view;
    }

    /**
     * The gradients of the trainable parameters, in {@link #trainable()} order, owned by {@code step}.
     * They are the live {@code .grad} tensors: scaling them in place scales what the optimizer sees. A
     * parameter that took no part in the loss gets zeros.
     */
    public List<NDArray> gradients(NDManager step) {
        List<NDArray> grads = new ArrayList<>(trainable.size());
        for (Entry e : trainable) {
            NDArray g = e.array().getGradient();
            g.attach(step);
            grads.add(g);
        }
        return grads;
    }

    /**
     * Sets every gradient to zero. DJL's PyTorch collector does not (PtGradientCollector leaves
     * zeroGradients() out for speed), so without this the next backward would add to this step's.
     */
    public void zeroGradients(NDManager step) {
        zero(gradients(step));
    }

    /**
     * Sets arrays to zero in place. An indexed fill rather than {@code g - g}, which would keep a NaN
     * left by a diverged step in a block that is trained again.
     */
    public static void zero(List<NDArray> arrays) {
        for (NDArray a : arrays) {
            a.set(new NDIndex("..."), 0f);
        }
    }

    /** Copies of every parameter by name, owned by {@code manager}. */
    public Map<String, NDArray> copies(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Entry e : all) {
            NDArray copy;
            try (NDArray view = e.array().stopGradient()) {
                copy = view.duplicate(); // a clone of the detached view does not require grad
            }
            copy.attach(manager);
            out.put(e.name(), copy);
        }
        return out;
    }

    /**
     * Overwrites every parameter in place with the array of the same name; the block keeps its arrays,
     * so anything holding them (an optimizer, a forward pass) sees the new values.
     *
     * @throws IllegalArgumentException naming every missing key and mismatched shape, before anything is written
     */
    public void copyFrom(Map<String, NDArray> values) {
        List<String> problems = new ArrayList<>();
        for (Entry e : all) {
            NDArray v = values.get(e.name());
            if (v == null) {
                problems.add("missing " + e.name());
            } else if (!v.getShape().equals(e.array().getShape())) {
                problems.add(e.name() + " has shape " + v.getShape() + ", the block expects " + e.array().getShape());
            }
        }
        for (String key : values.keySet()) {
            if (!byName.containsKey(key)) {
                problems.add("unexpected " + key);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not fit the block: " + String.join("; ", problems));
        }
        try (NDManager scratch = all.get(0).array().getManager().newSubManager()) {
            for (Entry e : all) {
                NDArray target = alias(e.array(), scratch);
                // An indexed put over the whole array is libtorch's copy_: exact, and safe when the old
                // weights are not finite (0 * w would keep a NaN).
                target.set(new NDIndex("..."), values.get(e.name()).toType(DataType.FLOAT32, false));
            }
        }
    }
}
