package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of every Tessera request, reply and progress event: JSON parameters plus named binary blobs
 * (PCM, mel frames, images, tensors).
 *
 * <p>Inside one JVM the instance itself is delivered ({@link TesseraPayloadCodec#transform} returns it), so
 * nothing is copied. By contract a sender never touches the params or arrays of a payload it has sent,
 * and a receiver never modifies what it received. Between nodes the payload travels in the codec's wire
 * form, which must fit one frame: params plus blobs stay at or below {@link #MAX_INLINE_BYTES}.
 */
public final class TesseraPayload {

    /** 16 MiB: the most a payload may carry inline (serving spec 4.3). */
    public static final int MAX_INLINE_BYTES = 16 << 20;

    private final JsonObject params;
    private final List<Blob> blobs;

    /**
     * @param params JSON parameters (null reads as empty); not copied
     * @param blobs blobs with distinct names, in order
     * @throws JobFailure {@code too_large} when the params' JSON and the blobs exceed {@link #MAX_INLINE_BYTES};
     *     {@code bad_input} when two blobs share a name
     */
    public TesseraPayload(JsonObject params, List<Blob> blobs) {
        this.params = params == null ? new JsonObject() : params;
        this.blobs = List.copyOf(blobs);
        var names = new HashSet<String>();
        long size = this.params.toBuffer().length();
        for (Blob b : this.blobs) {
            if (!names.add(b.name())) {
                throw JobFailure.badInput("blobs", "two blobs are named '" + b.name() + "'");
            }
            size += b.bytes().length;
        }
        if (size > MAX_INLINE_BYTES) {
            throw JobFailure.tooLarge("payload holds " + size + " bytes of params and blobs; at most "
                    + MAX_INLINE_BYTES + " (16 MiB) travel inline on the event bus");
        }
    }

    public static TesseraPayload of(JsonObject params, Blob... blobs) {
        return new TesseraPayload(params, List.of(blobs));
    }

    public static TesseraPayload of(JsonObject params) {
        return new TesseraPayload(params, List.of());
    }

    /** The parameters; shared, not copied: treat as read-only once the payload is built. */
    public JsonObject params() {
        return params;
    }

    public List<Blob> blobs() {
        return blobs;
    }

    public Optional<Blob> blob(String name) {
        for (Blob b : blobs) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The named blob, or a {@code bad_input} failure naming what is missing. */
    public Blob requireBlob(String name) {
        return blob(name).orElseThrow(() -> JobFailure.badInput(name, "expected a blob named '" + name
                + "', got " + blobs.stream().map(Blob::name).toList()));
    }

    /** A new payload with the same params and one more blob. */
    public TesseraPayload withBlob(Blob blob) {
        var all = new ArrayList<>(blobs);
        all.add(blob);
        return new TesseraPayload(params, all);
    }

    /** Bytes held in blobs (the params are not counted). */
    public long blobBytes() {
        long n = 0;
        for (Blob b : blobs) {
            n += b.bytes().length;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TesseraPayload p && params.equals(p.params) && blobs.equals(p.blobs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(params, blobs);
    }

    @Override
    public String toString() {
        return "TesseraPayload" + params.encode() + blobs;
    }

    /**
     * One named binary part of a payload.
     *
     * @param name unique within the payload, e.g. {@code x}, {@code mel}, {@code audio}
     * @param mime media type, e.g. {@code image/png}, {@code audio/L16}, {@code application/octet-stream}
     * @param dtype element type of a tensor ({@code float32}, {@code int16}, ...; see {@link #DTYPE_BYTES}),
     *     or empty for an opaque blob such as a PNG
     * @param shape tensor shape (row-major); empty for a scalar tensor or an opaque blob
     * @param bytes the data; tensors are little-endian. Shared, never copied: do not modify after sending
     */
    public record Blob(String name, String mime, String dtype, long[] shape, byte[] bytes) {

        /** Element sizes in bytes for the dtypes a blob may declare (numpy's names). */
        public static final Map<String, Integer> DTYPE_BYTES = Map.of(
                "float32", 4, "float64", 8, "float16", 2, "bfloat16", 2, "int8", 1, "uint8", 1,
                "int16", 2, "int32", 4, "int64", 8, "bool", 1);

        public static final String OCTET_STREAM = "application/octet-stream";

        public Blob {
            if (name == null || name.isBlank() || name.length() > 256) {
                throw JobFailure.badInput("blobs", "a blob needs a name of 1 to 256 characters, got '" + name + "'");
            }
            mime = mime == null || mime.isBlank() ? OCTET_STREAM : mime;
            dtype = dtype == null ? "" : dtype;
            shape = shape == null ? new long[0] : shape;
            Objects.requireNonNull(bytes, "bytes");
            if (!dtype.isEmpty()) {
                Integer size = DTYPE_BYTES.get(dtype);
                if (size == null) {
                    throw JobFailure.badInput(name, "blob '" + name + "' has unknown dtype '" + dtype + "'; known: "
                            + DTYPE_BYTES.keySet().stream().sorted().toList());
                }
                long count = 1;
                for (long d : shape) {
                    if (d < 0) {
                        throw JobFailure.badInput(name, "blob '" + name + "' has a negative dimension in shape "
                                + Arrays.toString(shape));
                    }
                    count = Math.multiplyExact(count, d);
                }
                if (count * size != bytes.length) {
                    throw JobFailure.badInput(name, "blob '" + name + "' of " + dtype + Arrays.toString(shape)
                            + " needs " + count * size + " bytes, got " + bytes.length);
                }
            }
        }

        /** An opaque blob (PNG, WAV, ...): no dtype, no shape. */
        public static Blob ofBytes(String name, String mime, byte[] bytes) {
            return new Blob(name, mime, "", new long[0], bytes);
        }

        /** A float32 tensor; {@code values.length} must equal the product of {@code shape}. */
        public static Blob ofFloats(String name, float[] values, long... shape) {
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            return new Blob(name, OCTET_STREAM, "float32", shape.clone(), buf.array());
        }

        /** 16-bit signed PCM samples, shape {@code (samples)} or {@code (channels, samples)}. */
        public static Blob ofPcm16(String name, short[] samples, long... shape) {
            ByteBuffer buf = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            buf.asShortBuffer().put(samples);
            return new Blob(name, "audio/L16", "int16", shape.clone(), buf.array());
        }

        /** A read-only little-endian view of a float32 blob, without copying. */
        public FloatBuffer floatView() {
            requireDtype("float32");
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }

        /** The elements of a float32 blob, copied into a new array. */
        public float[] toFloats() {
            FloatBuffer view = floatView();
            float[] out = new float[view.remaining()];
            view.get(out);
            return out;
        }

        /** The samples of an int16 blob, copied into a new array. */
        public short[] toShorts() {
            requireDtype("int16");
            short[] out = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
            return out;
        }

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        private void requireDtype(String expected) {
            if (!expected.equals(dtype)) {
                throw JobFailure.badInput(name, "blob '" + name + "' must be " + expected + ", got '" + dtype + "'");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && name.equals(b.name) && mime.equals(b.mime) && dtype.equals(b.dtype)
                    && Arrays.equals(shape, b.shape) && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, mime, dtype, Arrays.hashCode(shape), Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "Blob[" + name + ", " + mime + (dtype.isEmpty() ? "" : ", " + dtype + Arrays.toString(shape))
                    + ", " + bytes.length + " bytes]";
        }
    }
}
