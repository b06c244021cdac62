package dev.tessera.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The base of Tessera's networks (image-gen, audio-gen): a DJL block whose parameter shapes are all known when it is constructed, so it initializes without
 * sample inputs and its size can be counted before any memory is allocated.
 *
 * <p>Networks here expose typed forward methods ({@code forward(ps, x, training)} with shapes in their
 * comments) rather than DJL's untyped {@code NDList} forward; top-level networks also implement
 * {@link #forwardInternal} so that DJL's {@code Trainer} can drive them. Parameters are read through the
 * {@link ParameterStore}, as DJL's own blocks do, so a trainer that copies parameters to devices keeps
 * working. Children are registered under their plain names: the parameter {@code weight} of child
 * {@code conv1} of child {@code encoder} is {@code encoder_conv1_weight} in {@link #getParameters()} and
 * in checkpoints.
 */
public abstract class FixedShapeBlock extends AbstractBlock {

    /** Registers a child under {@code name} (DJL's {@code addChildBlock} would prefix a counter). */
    protected final <B extends Block> B child(String name, B block) {
        children.add(name, block);
        return block;
    }

    /** Registers a parameter of a fixed shape, initialized by {@code initializer}. */
    protected final Parameter parameter(String name, Parameter.Type type, Initializer initializer, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(initializer)
                .optShape(new Shape(shape)).build());
    }

    /**
     * Allocates and initializes every parameter in {@code manager} (the caller owns it). Random values
     * come from libtorch's generator: seed it first ({@code Seeds.seedEngine}) for reproducible weights.
     * Parameters are initialized in the order they were registered, which lets a weight-norm gain be
     * derived from the direction initialized just before it.
     */
    public final void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block b : children.values()) {
            b.initialize(manager, dataType);
        }
    }

    /** Number of scalar parameters, counted from the shapes (no memory needed). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : getParameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " documents its shapes on its typed forward methods; DJL shape inference is not supported");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is called through its typed forward method");
    }

    /** The value of {@code p} on the device of {@code like}. */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps.getValue(p, like.getDevice(), training);
    }

    /**
     * SiLU (swish): {@code x sigmoid(x)}. Not DJL's {@code Activation.swish(x, 1f)}, which multiplies by
     * the number 1 and so leaves a scalar in the graph that a garbage collection can free (see {@link Scalars}).
     */
    protected static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Inverted dropout with keep-rescaling, only when training and {@code rate > 0}. */
    protected static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }
}
