package dev.tessera.image.nn;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;

/** A table of {@code rows} learned vectors of size {@code dim}, looked up by int64 index. */
public final class EmbeddingTable extends FixedShapeBlock {

    private final int rows;
    private final Parameter weight;

    /** Rows initialized normal with standard deviation {@code std}. */
    public EmbeddingTable(int rows, int dim, float std) {
        if (rows <= 0 || dim <= 0) {
            throw new IllegalArgumentException("an embedding table needs positive sizes, got " + rows + "x" + dim);
        }
        this.rows = rows;
        this.weight = parameter("weight", Parameter.Type.WEIGHT, new NormalInitializer(std), rows, dim);
    }

    public int rows() {
        return rows;
    }

    /** {@code (...) int64 in [0, rows) -> (..., dim)}. */
    public NDArray forward(ParameterStore ps, NDArray indices, boolean training) {
        if (indices.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("embedding indices must be int64, got " + indices.getDataType());
        }
        NDArray w = value(ps, weight, indices, training);
        return w.getNDArrayInternal().embedding(indices, w, SparseFormat.DENSE).singletonOrThrow();
    }

    /** The whole table, {@code (rows, dim)}. */
    public NDArray table(ParameterStore ps, NDArray like, boolean training) {
        return value(ps, weight, like, training);
    }
}
