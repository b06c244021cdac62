package dev.tessera.core.checkpoint;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length {@code N}, {@code N}
 * bytes of UTF-8 JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
 * {..}}}, padded with spaces), then the tensors' bytes, offsets relative to the end of the header.
 *
 * <p>Reading checks everything a hostile file could lie about before allocating anything large: the
 * header length against the file size and a fixed ceiling, every dtype, every shape against its byte
 * range, and that the byte ranges neither overlap, leave gaps nor leave the file. Tensor data is a
 * read-only memory map of the file, so a 20 MB checkpoint costs no heap copy.
 *
 * <p>Writing is atomic: a temporary file in the same folder, forced to disk, then renamed over the
 * target, so a crash leaves either the old file or the new one, never half of one.
 */
public final class SafeTensors {

    /** Largest header we accept: the reference implementation's ceiling (100 MB of JSON). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {
    }

    public static SafeTensorsFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw bad(file, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw bad(file, "header length " + Long.toUnsignedString(headerLen) + " bytes is outside 2.."
                        + MAX_HEADER_BYTES);
            }
            if (headerLen > fileSize - 8) {
                throw bad(file, "header length " + headerLen + " bytes runs past the end of the file ("
                        + fileSize + " bytes)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = parseHeader(file, headerBuf.array(), metadata);
            checkOffsets(file, entries, dataLen);
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            if (!entries.isEmpty()) {
                if (dataLen > Integer.MAX_VALUE) {
                    throw bad(file, "data section of " + dataLen + " bytes exceeds the 2 GiB a single map can hold");
                }
                ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen)
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : entries) {
                    ByteBuffer slice = data.slice((int) e.begin, (int) (e.end - e.begin));
                    tensors.put(e.name, new TensorData(e.dtype, e.shape, slice));
                }
            }
            return new SafeTensorsFile(tensors, metadata);
        }
    }

    /** Writes tensors (in map order) and metadata atomically to {@code file}. */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::put);
            header.put(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            TensorData t = e.getValue();
            long size = t.data().remaining();
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            header.put(e.getKey(), new JsonObject().put("dtype", t.dtype().wireName()).put("shape", shape)
                    .put("data_offsets", new JsonArray().add(offset).add(offset + size)));
            offset += size;
        }
        byte[] json = header.encode().getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(headerBytes));
                for (TensorData t : tensors.values()) {
                    writeFully(ch, t.bytes());
                }
                ch.force(true);
            }
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code tmp} over {@code target}; falls back to a plain replace where atomic moves are unsupported. */
    static void moveAtomically(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static List<Entry> parseHeader(Path file, byte[] headerBytes, Map<String, String> metadata)
            throws CheckpointFormatException {
        String text = new String(headerBytes, StandardCharsets.UTF_8).stripTrailing();
        if (!text.startsWith("{")) {
            throw bad(file, "header is not a JSON object");
        }
        JsonObject header;
        try {
            header = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw bad(file, "header is not valid JSON: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> field : header) {
            String name = field.getKey();
            if (METADATA_KEY.equals(name)) {
                if (!(field.getValue() instanceof JsonObject meta)) {
                    throw bad(file, "__metadata__ must be an object of strings");
                }
                for (Map.Entry<String, Object> m : meta) {
                    if (!(m.getValue() instanceof String s)) {
                        throw bad(file, "__metadata__ value for '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), s);
                }
                continue;
            }
            if (!(field.getValue() instanceof JsonObject info)) {
                throw bad(file, "entry '" + name + "' is not an object");
            }
            DType dtype;
            try {
                dtype = DType.fromWire(info.getValue("dtype") instanceof String s ? s : null);
            } catch (CheckpointFormatException e) {
                throw bad(file, "tensor '" + name + "': " + e.getMessage());
            }
            long[] shape = longs(file, name, "shape", info.getValue("shape"), -1);
            long[] offsets = longs(file, name, "data_offsets", info.getValue("data_offsets"), 2);
            long expected;
            try {
                expected = TensorData.byteSize(dtype, shape);
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw bad(file, "tensor '" + name + "': shape " + Arrays.toString(shape) + " is invalid or too large");
            }
            if (offsets[0] < 0 || offsets[1] < offsets[0]) {
                throw bad(file, "tensor '" + name + "': data_offsets " + Arrays.toString(offsets) + " are not an interval");
            }
            if (offsets[1] - offsets[0] != expected) {
                throw bad(file, "tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                        + expected + " bytes but data_offsets " + Arrays.toString(offsets) + " span "
                        + (offsets[1] - offsets[0]));
            }
            entries.add(new Entry(name, dtype, shape, offsets[0], offsets[1]));
        }
        return entries;
    }

    /** Byte ranges must tile the data section exactly: sorted, no overlap, no gap, ending at its end. */
    private static void checkOffsets(Path file, List<Entry> entries, long dataLen) throws CheckpointFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : sorted) {
            if (e.end > dataLen) {
                throw bad(file, "tensor '" + e.name + "' ends at byte " + e.end + " of a " + dataLen
                        + "-byte data section (file truncated or offsets leave the file)");
            }
            if (e.begin < expectedBegin) {
                throw bad(file, "tensor '" + e.name + "' at bytes [" + e.begin + ", " + e.end
                        + ") overlaps the tensor before it");
            }
            if (e.begin > expectedBegin) {
                throw bad(file, "gap of " + (e.begin - expectedBegin) + " bytes before tensor '" + e.name + "'");
            }
            expectedBegin = e.end;
        }
        if (expectedBegin != dataLen) {
            throw bad(file, (dataLen - expectedBegin) + " bytes after the last tensor belong to none");
        }
    }

    private static long[] longs(Path file, String tensor, String key, Object value, int requiredLength)
            throws CheckpointFormatException {
        if (!(value instanceof JsonArray array)) {
            throw bad(file, "tensor '" + tensor + "': '" + key + "' is missing or not an array");
        }
        if (requiredLength >= 0 && array.size() != requiredLength) {
            throw bad(file, "tensor '" + tensor + "': '" + key + "' must have " + requiredLength + " entries");
        }
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = array.getValue(i);
            if (!(v instanceof Number n) || v instanceof Double || v instanceof Float || n.longValue() < 0) {
                throw bad(file, "tensor '" + tensor + "': '" + key + "' holds " + v + ", not a non-negative integer");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static CheckpointFormatException bad(Path file, String why) {
        return new CheckpointFormatException("not a valid safetensors file " + file.getFileName() + ": " + why);
    }
}
