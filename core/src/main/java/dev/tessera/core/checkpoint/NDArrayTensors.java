package dev.tessera.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between engine tensors ({@link NDArray}) and checkpoint tensors ({@link TensorData}).
 *
 * <p>DJL 0.36's PyTorch engine aborts the JVM ("terminate called without an active exception") when it
 * creates or casts to a bfloat16 array, so BF16 checkpoint tensors are widened to float32 in Java and
 * arrive as float32 arrays; bfloat16 stays a storage format only.
 */
public final class NDArrayTensors {

    private NDArrayTensors() {
    }

    /** Copies an array to little-endian bytes. Supported: float32, float16, int64, int32, uint8. */
    public static TensorData fromNDArray(NDArray array) {
        DType dtype = dtypeOf(array.getDataType());
        long[] shape = array.getShape().getShape();
        // toByteBuffer() is in native order; re-order into a little-endian heap copy.
        ByteBuffer nativeBytes = array.toByteBuffer();
        ByteBuffer le = ByteBuffer.allocate(nativeBytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || dtype.byteSize() == 1) {
            le.put(nativeBytes.duplicate());
        } else {
            swapInto(nativeBytes, le, dtype.byteSize());
        }
        return new TensorData(dtype, shape, le.flip());
    }

    /** Creates an array in {@code manager} holding a copy of the tensor's values. */
    public static NDArray toNDArray(NDManager manager, TensorData tensor) {
        if (tensor.dtype() == DType.BF16) {
            return manager.create(tensor.toFloats(), new Shape(tensor.shape()));
        }
        ByteBuffer src = tensor.bytes();
        ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || tensor.dtype().byteSize() == 1) {
            direct.put(src);
        } else {
            swapInto(src, direct, tensor.dtype().byteSize());
        }
        direct.flip();
        return manager.create(direct, new Shape(tensor.shape()), dataTypeOf(tensor.dtype()));
    }

    public static DType dtypeOf(DataType type) {
        return switch (type) {
            case FLOAT32 -> DType.F32;
            case FLOAT16 -> DType.F16;
            case INT64 -> DType.I64;
            case INT32 -> DType.I32;
            case UINT8 -> DType.U8;
            default -> throw new IllegalArgumentException("cannot store " + type
                    + " in a checkpoint; convert to float32, float16, int64, int32 or uint8");
        };
    }

    public static DataType dataTypeOf(DType dtype) {
        return switch (dtype) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.FLOAT32; // widened on load, see the class comment
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case U8 -> DataType.UINT8;
        };
    }

    private static void swapInto(ByteBuffer src, ByteBuffer dst, int width) {
        ByteBuffer s = src.duplicate();
        byte[] elem = new byte[width];
        while (s.hasRemaining()) {
            s.get(elem);
            for (int i = width - 1; i >= 0; i--) {
                dst.put(elem[i]);
            }
        }
    }
}
