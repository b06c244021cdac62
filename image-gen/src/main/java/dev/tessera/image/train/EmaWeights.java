package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tessera.core.train.TrainableParameters;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lets a task validate with the trainer's EMA weights (specs/image.md 1.5: metrics on EMA weights): the
 * live weights are copied aside, the EMA weights copied in, the body runs, the live weights go back.
 * Copies are exact (libtorch's {@code copy_}), so training continues bit for bit as without validation.
 */
final class EmaWeights {

    private EmaWeights() {
    }

    /**
     * @param ema the trainer's averaged weights by parameter name, or null to run on the live weights
     * @param manager owns the copy of the live weights for the duration of the call
     */
    static <T> T with(Block block, Supplier<Map<String, NDArray>> ema, NDManager manager, Supplier<T> body) {
        if (ema == null) {
            return body.get();
        }
        TrainableParameters params = new TrainableParameters(block);
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> live = params.copies(scratch);
            params.copyFrom(ema.get());
            try {
                return body.get();
            } finally {
                params.copyFrom(live);
            }
        }
    }
}
