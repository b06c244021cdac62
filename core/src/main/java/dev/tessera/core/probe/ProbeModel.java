package dev.tessera.core.probe;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.tessera.core.engine.Engines;
import java.util.SplittableRandom;

/**
 * The diagnostic probe: a real but small network that the serving tests, the bus benchmark and
 * {@code tessera serve --probe} run through the whole model-verticle path.
 *
 * <p>One pass is an MLP {@code y = W2 · gelu(W1 · x + b1) + b2} from 64 to 256 to 64 features, applied
 * to a batch {@code (B, 64)}; a job of {@code steps} steps applies it that many times, so it behaves like a
 * few-step sampler. Weights are drawn from a fixed seed (Xavier-uniform weights, biases uniform in ±0.1)
 * with a Java generator, so every node and every run builds the same network without touching libtorch's
 * global generator.
 */
public final class ProbeModel implements AutoCloseable {

    public static final int FEATURES = 64;
    public static final int HIDDEN = 256;
    public static final long DEFAULT_SEED = 7;

    private final Model model;
    private final SequentialBlock block;

    private ProbeModel(Model model, SequentialBlock block) {
        this.model = model;
        this.block = block;
    }

    /** Builds the probe with weights drawn from {@code seed}; starts the engine if nothing has. */
    public static ProbeModel create(long seed) {
        if (Engines.config() == null) {
            Engines.start();
        }
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation.geluBlock())
                .add(Linear.builder().setUnits(FEATURES).build());
        Model model = Model.newInstance("probe");
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            Shape s = a.getShape();
            // Linear weights are (out, in): Xavier-uniform bound sqrt(6 / (in + out)).
            double bound = s.dimension() == 2 ? Math.sqrt(6.0 / (s.get(0) + s.get(1))) : 0.1;
            float[] values = new float[Math.toIntExact(s.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            a.set(values);
        }
        return new ProbeModel(model, block);
    }

    /** A manager for one batch, owned by the caller, who closes it when the batch's outputs are copied out. */
    public NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    /** One pass: {@code (B, 64) -> (B, 64)}; the output and intermediates attach to {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        return block.forward(ps, new NDList(x), false).singletonOrThrow();
    }

    /**
     * One step of a multi-step job: {@code x} and the pass's intermediates are freed, the output is
     * attached to {@code owner}, so a long job holds one activation at a time.
     */
    public NDArray step(NDManager owner, NDArray x) {
        try (NDManager scratch = owner.newSubManager()) {
            x.attach(scratch);
            NDArray y = forward(x);
            y.attach(owner);
            return y;
        }
    }

    /** {@code steps} passes over {@code rows} rows of 64 features, as plain arrays; {@code (rows*64)}. */
    public float[] run(float[] x, int rows, int steps) {
        try (NDManager m = newManager()) {
            NDArray h = m.create(x, new Shape(rows, FEATURES));
            for (int i = 0; i < steps; i++) {
                h = step(m, h);
            }
            return h.toFloatArray();
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
