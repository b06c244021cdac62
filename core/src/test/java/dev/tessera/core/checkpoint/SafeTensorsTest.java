package dev.tessera.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsWithMetadata() throws IOException {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] floats = new float[24];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) rnd.nextGaussian() * 100f;
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("f32", TensorData.ofFloats(new long[] {2, 3, 4}, floats));
        tensors.put("f16", TensorData.ofFloats(DType.F16, new long[] {24}, floats));
        tensors.put("bf16", TensorData.ofFloats(DType.BF16, new long[] {4, 6}, floats));
        tensors.put("i64", TensorData.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
        tensors.put("i32", TensorData.ofInts(new long[] {2, 2}, new int[] {Integer.MIN_VALUE, -7, 0, Integer.MAX_VALUE}));
        tensors.put("u8", TensorData.ofBytes(new long[] {4}, new byte[] {0, 1, (byte) 200, (byte) 255}));
        tensors.put("scalar", TensorData.ofFloats(new long[] {}, new float[] {3.5f}));
        tensors.put("empty", TensorData.ofFloats(new long[] {0, 5}, new float[0]));
        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, Map.of("step", "42", "model", "test"));

        SafeTensorsFile back = SafeTensors.read(file);
        assertEquals(tensors.keySet(), back.tensors().keySet());
        for (String name : tensors.keySet()) {
            assertEquals(tensors.get(name), back.tensors().get(name), name);
        }
        assertEquals(Map.of("step", "42", "model", "test"), back.metadata());
        assertArrayEquals(floats, back.tensor("f32").toFloats(), 0f);
        assertArrayEquals(new long[] {0, 1, 200, 255}, back.tensor("u8").toLongs());
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}, back.tensor("i64").toLongs());
        // Half precisions keep 11 and 8 significant bits: relative error below 2^-11 and 2^-8.
        float[] f16 = back.tensor("f16").toFloats();
        float[] bf16 = back.tensor("bf16").toFloats();
        for (int i = 0; i < floats.length; i++) {
            assertEquals(floats[i], f16[i], Math.abs(floats[i]) * 0x1p-11f + 1e-7f, "f16 " + i);
            assertEquals(floats[i], bf16[i], Math.abs(floats[i]) * 0x1p-8f, "bf16 " + i);
        }
        // The data section starts 8-byte aligned, as the reference writer pads it.
        assertEquals(0, littleEndianLong(Files.readAllBytes(file), 0) % 8);
    }

    @Test
    void halfPrecisionEdgeCasesConvertExactly() {
        assertEquals(0x3C00, HalfFloats.floatToF16(1f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloats.floatToF16(65504f) & 0xFFFF); // largest finite half
        assertEquals(0x7C00, HalfFloats.floatToF16(70000f) & 0xFFFF); // overflow to +inf
        assertEquals(0x0001, HalfFloats.floatToF16(0x1p-24f) & 0xFFFF); // smallest subnormal
        assertEquals(0x8000, HalfFloats.floatToF16(-0f) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 1));
        // Ties go to even: 1 + 2^-11 lies halfway between two halves and rounds down to 1.
        assertEquals(1f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(1f + 0x1p-9f + 0x1p-11f)));
        // Every finite half survives half -> float -> half.
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloats.floatToF16(f) & 0xFFFF, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void fileFromAnIndependentWriterLoadsToTheSameValues() throws IOException {
        // Bytes laid out by hand exactly as the Python `safetensors` package writes them: the header JSON
        // with keys in sorted order, padded with spaces to a multiple of 8, then the raw tensors.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"bias\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[4,20]},"
                + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[20,36]}}";
        byte[] header = pad8(json);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 36).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        b.putShort((short) 0x3C00).putShort((short) 0xC000); // 1.0, -2.0 in IEEE half
        b.putLong(7).putLong(-3);
        b.putFloat(0.5f).putFloat(-1.25f).putFloat(3e-8f).putFloat(1e30f);
        Path file = dir.resolve("independent.safetensors");
        Files.write(file, b.array());

        SafeTensorsFile st = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt"), st.metadata());
        assertArrayEquals(new float[] {1f, -2f}, st.tensor("bias").toFloats(), 0f);
        assertArrayEquals(new long[] {7, -3}, st.tensor("ids").toLongs());
        assertArrayEquals(new long[] {2, 2}, st.tensor("weight").shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3e-8f, 1e30f}, st.tensor("weight").toFloats(), 0f);

        Engines.start();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = NDArrayTensors.toNDArray(m, st.tensor("weight"));
            assertEquals(new Shape(2, 2), w.getShape());
            assertArrayEquals(new float[] {0.5f, -1.25f, 3e-8f, 1e30f}, w.toFloatArray(), 0f);
            NDArray bias = NDArrayTensors.toNDArray(m, st.tensor("bias"));
            assertEquals(DataType.FLOAT16, bias.getDataType());
            assertArrayEquals(new float[] {1f, -2f}, bias.toType(DataType.FLOAT32, false).toFloatArray(), 0f);
            // bfloat16 arrives widened to float32 (DJL 0.36 aborts on native bfloat16 arrays).
            NDArray bf = NDArrayTensors.toNDArray(m, TensorData.ofFloats(DType.BF16, new long[] {2}, new float[] {1.5f, -3f}));
            assertEquals(DataType.FLOAT32, bf.getDataType());
            assertArrayEquals(new float[] {1.5f, -3f}, bf.toFloatArray(), 0f);
        }
    }

    @Test
    void engineArraysOfEverySupportedTypeRoundTrip() throws IOException {
        Engines.start();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("f32", m.randomNormal(new Shape(3, 5)));
            arrays.put("f16", m.randomNormal(new Shape(7)).toType(DataType.FLOAT16, false));
            arrays.put("i64", m.arange(0, 10).toType(DataType.INT64, false));
            arrays.put("i32", m.arange(0, 6).reshape(2, 3));
            arrays.put("u8", m.arange(0, 6).toType(DataType.UINT8, false));
            JsonObject config = new JsonObject().put("hidden", 64).put("periods", new io.vertx.core.json.JsonArray().add(1).add(2));
            Checkpoint.save(dir, "model", arrays, config, Map.of("step", "9"));

            Checkpoint.Loaded loaded = Checkpoint.load(dir, "model");
            assertEquals(config, loaded.config());
            assertEquals(config, new JsonObject(Files.readString(Checkpoint.configFile(dir, "model"))));
            assertEquals("9", loaded.metadata().get("step"));
            Map<String, NDArray> back = loaded.toNDArrays(m);
            for (var e : arrays.entrySet()) {
                NDArray a = e.getValue();
                NDArray r = back.get(e.getKey());
                assertEquals(a.getDataType(), r.getDataType(), e.getKey());
                assertEquals(a.getShape(), r.getShape(), e.getKey());
                assertArrayEquals(a.toByteArray(), r.toByteArray(), e.getKey());
            }
        }
    }

    @Test
    void atomicWriteLeavesOldFileIntactWhenAWriteFails() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("a", TensorData.ofFloats(new long[] {2}, new float[] {1, 2})), Map.of());
        byte[] before = Files.readAllBytes(file);
        // A reserved name fails after validation starts but before the rename.
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file,
                Map.of("__metadata__", TensorData.ofFloats(new long[] {1}, new float[] {0})), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    // ---- hostile and corrupt files: each refused with a message naming the problem ----

    @Test
    void headerLengthPastTheEndIsRefused() throws IOException {
        byte[] h = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        Path f = write(8L * 1000, h, new byte[4]);
        assertRefused(f, "runs past the end");
    }

    @Test
    void hundredGigabyteHeaderClaimIsRefusedBeforeAllocating() throws IOException {
        Path f = write(100L * 1024 * 1024 * 1024, pad8("{}"), new byte[0]);
        long freeBefore = Runtime.getRuntime().freeMemory();
        assertRefused(f, "outside 2..");
        assertTrue(Runtime.getRuntime().totalMemory() < 8L << 30, "no large heap was allocated");
        assertTrue(freeBefore > 0);
    }

    @Test
    void negativeHeaderLengthIsRefused() throws IOException {
        assertRefused(write(-16, pad8("{}"), new byte[0]), "outside 2..");
    }

    @Test
    void overlappingOffsetsAreRefused() throws IOException {
        byte[] h = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}");
        assertRefused(write(h.length, h, new byte[12]), "overlaps");
    }

    @Test
    void offsetsLeavingTheFileAreRefused() throws IOException {
        byte[] h = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        assertRefused(write(h.length, h, new byte[8]), "ends at byte 16 of a 8-byte data section");
    }

    @Test
    void gapsAndTrailingBytesAreRefused() throws IOException {
        byte[] gap = pad8("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}");
        assertRefused(write(gap.length, gap, new byte[4]), "gap of 2 bytes");
        byte[] tail = pad8("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}");
        assertRefused(write(tail.length, tail, new byte[5]), "3 bytes after the last tensor");
    }

    @Test
    void shapeThatDoesNotMatchItsByteSizeIsRefused() throws IOException {
        byte[] h = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[3,3],\"data_offsets\":[0,32]}}");
        assertRefused(write(h.length, h, new byte[32]), "needs 36 bytes");
        byte[] huge = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}");
        assertRefused(write(huge.length, huge, new byte[4]), "invalid or too large");
        byte[] negative = pad8("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}");
        assertRefused(write(negative.length, negative, new byte[4]), "not a non-negative integer");
    }

    @Test
    void unknownDtypeIsRefused() throws IOException {
        byte[] h = pad8("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}");
        assertRefused(write(h.length, h, new byte[8]), "unsupported dtype 'F64'");
    }

    @Test
    void malformedHeadersAreRefused() throws IOException {
        for (String[] c : new String[][] {
                {"[1,2,3]", "not a JSON object"},
                {"{\"a\":", "not valid JSON"},
                {"{\"__metadata__\":{\"k\":1}}", "not a string"},
                {"{\"a\":{\"dtype\":\"F32\"}}", "'shape' is missing"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "must have 2 entries"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "not a non-negative integer"}}) {
            byte[] h = pad8(c[0]);
            assertRefused(write(h.length, h, new byte[0]), c[1]);
        }
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertRefused(tiny, "shorter than the 8-byte header length");
    }

    private void assertRefused(Path file, String expectedFragment) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(expectedFragment), "message '" + e.getMessage() + "' should contain '"
                + expectedFragment + "'");
    }

    private int counter;

    private Path write(long claimedHeaderLength, byte[] header, byte[] data) throws IOException {
        Path f = dir.resolve("case" + (counter++) + ".safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimedHeaderLength).array());
            raf.write(header);
            raf.write(data);
        }
        return f;
    }

    private static byte[] pad8(String json) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[(raw.length + 7) / 8 * 8];
        java.util.Arrays.fill(out, (byte) ' ');
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    private static long littleEndianLong(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
