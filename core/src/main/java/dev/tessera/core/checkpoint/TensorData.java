package dev.tessera.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor's element type, shape and raw little-endian bytes, independent of any engine.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first; {@code []} is a scalar
 * @param data exactly {@code numel * dtype.byteSize()} bytes, position 0, little-endian
 */
public record TensorData(DType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        shape = shape.clone();
        long expected = byteSize(dtype, shape);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** A read-only little-endian view of the bytes, positioned at 0. */
    public ByteBuffer bytes() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static TensorData ofFloats(long[] shape, float[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.F32, shape, b);
    }

    /** Floats rounded to half precision ({@link DType#F16}) or bfloat16 ({@link DType#BF16}). */
    public static TensorData ofFloats(DType dtype, long[] shape, float[] values) {
        checkCount(shape, values.length);
        if (dtype == DType.F32) {
            return ofFloats(shape, values);
        }
        if (dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("floats can be stored as F32, F16 or BF16, not " + dtype);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(dtype == DType.F16 ? HalfFloats.floatToF16(v) : HalfFloats.floatToBf16(v));
        }
        return new TensorData(dtype, shape, b.flip());
    }

    public static TensorData ofLongs(long[] shape, long[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new TensorData(DType.I64, shape, b);
    }

    public static TensorData ofInts(long[] shape, int[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new TensorData(DType.I32, shape, b);
    }

    public static TensorData ofBytes(long[] shape, byte[] values) {
        checkCount(shape, values.length);
        return new TensorData(DType.U8, shape, ByteBuffer.wrap(values.clone()));
    }

    /** The values as floats: F32 as is, F16/BF16 widened exactly, integers converted. */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = bytes();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.f16ToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.bf16ToFloat(b.getShort(i * 2));
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong(i * 8);
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xFF;
                }
            }
            default -> throw new IllegalStateException(dtype.name());
        }
        return out;
    }

    /** The values as longs; only for integer dtypes. */
    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = bytes();
        switch (dtype) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xFF;
                }
            }
            default -> throw new IllegalStateException("toLongs() needs an integer dtype, this tensor is " + dtype);
        }
        return out;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long byteSize(DType dtype, long[] shape) {
        return Math.multiplyExact(numel(shape), (long) dtype.byteSize());
    }

    private static void checkCount(long[] shape, int count) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel(shape)
                    + " values, got " + count);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.bytes().equals(bytes());
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
