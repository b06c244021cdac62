/**
 * Layers the image networks are built from: DJL blocks with fixed parameter shapes
 * ({@link dev.tessera.core.nn.FixedShapeBlock}) and typed forward methods, and
 * {@link dev.tessera.image.nn.BlockCheckpoints} to save and load them as core checkpoints. They hold no
 * image-specific logic and can move to core's nn blocks once those exist.
 */
package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;