package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Seeds;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small regression task for the trainer's tests: an MLP (8 -> 32 -> dropout -> 4) learns a fixed
 * random linear map y = x A plus noise of standard deviation 0.01. Dropout makes each step depend on
 * libtorch's generator, so exact resume also proves the per-step engine seeding.
 */
final class LinearMapTask implements TrainingTask, AutoCloseable {

    static final int IN = 8;
    static final int OUT = 4;
    static final int BATCH = 32;

    private final NDManager manager = NDManager.newBaseManager();
    private final SequentialBlock block = new SequentialBlock()
            .add(Linear.builder().setUnits(32).build())
            .add(Activation.reluBlock())
            .add(Dropout.builder().optRate(0.1f).build())
            .add(Linear.builder().setUnits(OUT).build());
    /** The map to learn, (IN, OUT), the same in every run. */
    private final float[] map = new float[IN * OUT];

    /** Initial weights come from libtorch seeded with {@code initSeed}. */
    LinearMapTask(long initSeed) {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < map.length; i++) {
            map[i] = (float) r.nextGaussian();
        }
        dev.tessera.core.engine.Engines.start();
        Seeds.seedAll(initSeed);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
    }

    /** The manager that owns the block's weights. */
    NDManager manager() {
        return manager;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        NDArray mse = mse(m, random, true);
        return new StepLoss(mse, Map.of("mse", mse));
    }

    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        return Map.of("mse", (double) mse(m, new SplittableRandom(7), false).getFloat());
    }

    private NDArray mse(NDManager m, SplittableRandom random, boolean training) {
        float[] x = new float[BATCH * IN];
        float[] noise = new float[BATCH * OUT];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.01 * random.nextGaussian());
        }
        NDArray xs = m.create(x, new Shape(BATCH, IN)); // (B, IN)
        NDArray target = xs.matMul(m.create(map, new Shape(IN, OUT))).add(m.create(noise, new Shape(BATCH, OUT)));
        NDArray prediction = block.forward(new ParameterStore(m, false), new NDList(xs), training).singletonOrThrow();
        return prediction.sub(target).square().mean();
    }

    @Override
    public void close() {
        manager.close();
    }
}
