package dev.tessera.core.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-bus codec of {@link TesseraPayload}, registered as the default codec for the class.
 *
 * <p>Locally {@link #transform} hands over the same instance: zero copies. The clustered wire form is, in
 * Vert.x's big-endian buffer encoding:
 * <pre>
 * byte    version (1)
 * int     json length, then the params as UTF-8 JSON
 * int     blob count
 * per blob:
 *   int name length, name (UTF-8); int mime length, mime; int dtype length, dtype
 *   int rank, then rank longs (the shape)
 *   int byte length, then the bytes
 * </pre>
 * {@link #decodeFromWire} refuses anything else (unknown version, a length past the end of the buffer, a
 * negative count, more than {@link TesseraPayload#MAX_INLINE_BYTES}) with an
 * {@link IllegalArgumentException} that says what is wrong and where.
 */
public final class TesseraPayloadCodec implements MessageCodec<TesseraPayload, TesseraPayload> {

    public static final String NAME = "tessera-payload";
    public static final byte VERSION = 1;

    static final int MAX_STRING_BYTES = 1024;
    static final int MAX_RANK = 16;
    static final int MAX_BLOBS = 4096;

    @Override
    public void encodeToWire(Buffer buffer, TesseraPayload payload) {
        byte[] json = payload.params().encode().getBytes(StandardCharsets.UTF_8);
        if ((long) json.length + payload.blobBytes() > TesseraPayload.MAX_INLINE_BYTES) {
            // Only reachable when params were changed after the payload was built.
            throw new IllegalStateException("payload grew past " + TesseraPayload.MAX_INLINE_BYTES
                    + " bytes after it was built; params must not change once a payload is made");
        }
        buffer.appendByte(VERSION);
        buffer.appendInt(json.length).appendBytes(json);
        buffer.appendInt(payload.blobs().size());
        for (TesseraPayload.Blob b : payload.blobs()) {
            appendString(buffer, b.name());
            appendString(buffer, b.mime());
            appendString(buffer, b.dtype());
            buffer.appendInt(b.shape().length);
            for (long d : b.shape()) {
                buffer.appendLong(d);
            }
            buffer.appendInt(b.bytes().length).appendBytes(b.bytes());
        }
    }

    @Override
    public TesseraPayload decodeFromWire(int pos, Buffer buffer) {
        Reader r = new Reader(buffer, pos);
        byte version = r.readByte("version");
        if (version != VERSION) {
            throw r.malformed("unknown version " + version + " (this node reads version " + VERSION + ")");
        }
        int jsonLength = r.readLength("params length", TesseraPayload.MAX_INLINE_BYTES);
        Buffer jsonBytes = r.slice(jsonLength, "params");
        JsonObject params;
        try {
            params = new JsonObject(jsonBytes);
        } catch (DecodeException | ClassCastException e) {
            throw r.malformed("params are not a JSON object: " + e.getMessage());
        }
        int count = r.readLength("blob count", MAX_BLOBS);
        List<TesseraPayload.Blob> blobs = new ArrayList<>(Math.min(count, 16));
        long total = jsonLength;
        for (int i = 0; i < count; i++) {
            String name = r.readString("name of blob " + i);
            String mime = r.readString("mime of blob " + i);
            String dtype = r.readString("dtype of blob " + i);
            int rank = r.readLength("rank of blob " + i, MAX_RANK);
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.readLong("shape of blob " + i);
            }
            int length = r.readLength("byte length of blob " + i, TesseraPayload.MAX_INLINE_BYTES);
            total += length;
            if (total > TesseraPayload.MAX_INLINE_BYTES) {
                throw r.malformed("payload exceeds " + TesseraPayload.MAX_INLINE_BYTES + " bytes at blob " + i);
            }
            byte[] bytes = r.readBytes(length, "bytes of blob " + i);
            try {
                blobs.add(new TesseraPayload.Blob(name, mime, dtype, shape, bytes));
            } catch (JobFailure e) {
                throw r.malformed(e.getMessage());
            }
        }
        try {
            return new TesseraPayload(params, blobs);
        } catch (JobFailure e) {
            throw r.malformed(e.getMessage());
        }
    }

    @Override
    public TesseraPayload transform(TesseraPayload payload) {
        return payload;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }

    private static void appendString(Buffer buffer, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("blob name, mime or dtype longer than " + MAX_STRING_BYTES
                    + " bytes: '" + s.substring(0, 32) + "...'");
        }
        buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    /** Bounds-checked reads; every failure names the field and the offset. */
    private static final class Reader {
        private final Buffer buffer;
        private final int start;
        private int pos;

        Reader(Buffer buffer, int pos) {
            this.buffer = buffer;
            this.start = pos;
            this.pos = pos;
        }

        byte readByte(String what) {
            need(1, what);
            return buffer.getByte(pos++);
        }

        long readLong(String what) {
            need(8, what);
            long v = buffer.getLong(pos);
            pos += 8;
            return v;
        }

        int readLength(String what, int max) {
            need(4, what);
            int v = buffer.getInt(pos);
            pos += 4;
            if (v < 0) {
                throw malformed(what + " is negative (" + v + ")");
            }
            if (v > max) {
                throw malformed(what + " is " + v + ", more than the limit " + max);
            }
            return v;
        }

        String readString(String what) {
            int n = readLength(what + " length", MAX_STRING_BYTES);
            need(n, what);
            String s = buffer.getString(pos, pos + n, "UTF-8");
            pos += n;
            return s;
        }

        Buffer slice(int n, String what) {
            need(n, what);
            Buffer b = buffer.getBuffer(pos, pos + n);
            pos += n;
            return b;
        }

        byte[] readBytes(int n, String what) {
            need(n, what);
            byte[] b = buffer.getBytes(pos, pos + n);
            pos += n;
            return b;
        }

        private void need(int n, String what) {
            if ((long) pos + n > buffer.length()) {
                throw malformed(what + " needs " + n + " bytes at offset " + (pos - start) + " but only "
                        + (buffer.length() - pos) + " remain");
            }
        }

        IllegalArgumentException malformed(String why) {
            return new IllegalArgumentException("malformed TesseraPayload wire form: " + why);
        }
    }
}
