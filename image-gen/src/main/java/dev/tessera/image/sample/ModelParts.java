package dev.tessera.image.sample;

import ai.djl.nn.Block;

/**
 * Reaches the layers of a model by the names they are registered under. Those names are the checkpoint
 * format ({@code trunk_layer0_attention_qkv_weight} is child {@code trunk}, {@code layer0},
 * {@code attention}, {@code qkv}), so they are as stable as the checkpoints themselves; the step-wise
 * forward passes of this package read the same parameters as the models' own forward passes and are
 * tested against them.
 */
final class ModelParts {

    private ModelParts() {
    }

    /** Child {@code name} of {@code parent}, which must be a {@code type}. */
    static <T extends Block> T child(Block parent, String name, Class<T> type) {
        Block b = parent.getChildren().get(name);
        if (!type.isInstance(b)) {
            throw new IllegalStateException(parent.getClass().getSimpleName() + " has no " + type.getSimpleName()
                    + " named '" + name + "' (found " + (b == null ? "nothing" : b.getClass().getSimpleName())
                    + "); the sampler does not match this model's layout");
        }
        return type.cast(b);
    }
}
