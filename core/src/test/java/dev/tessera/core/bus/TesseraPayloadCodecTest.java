package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TesseraPayloadCodecTest {

    private final TesseraPayloadCodec codec = new TesseraPayloadCodec();

    /** Params with nesting and unicode, a float tensor, PCM and an opaque PNG-like blob. */
    static TesseraPayload sample() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] mel = new float[80 * 12];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) rnd.nextGaussian();
        }
        short[] pcm = new short[480];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
        }
        byte[] png = new byte[333];
        rnd.nextBytes(png);
        return TesseraPayload.of(new JsonObject().put("steps", 4).put("label", "grüße ✓")
                        .put("nested", new JsonObject().put("a", new JsonArray().add(1.5).add("x"))),
                TesseraPayload.Blob.ofFloats("mel", mel, 80, 12),
                TesseraPayload.Blob.ofPcm16("audio", pcm, 480),
                TesseraPayload.Blob.ofBytes("preview", "image/png", png));
    }

    static Buffer encode(TesseraPayload p) {
        Buffer b = Buffer.buffer();
        b.appendString("HEADER"); // the codec must honour the start position it is given
        new TesseraPayloadCodec().encodeToWire(b, p);
        return b;
    }

    @Test
    void wireFormRoundTripsEveryField() {
        TesseraPayload p = sample();
        Buffer wire = encode(p);
        TesseraPayload back = codec.decodeFromWire(6, wire);
        assertEquals(p, back);
        assertEquals(4, back.params().getInteger("steps"));
        assertEquals("grüße ✓", back.params().getString("label"));
        assertArrayEquals(new long[] {80, 12}, back.requireBlob("mel").shape());
        assertArrayEquals(p.requireBlob("mel").toFloats(), back.requireBlob("mel").toFloats(), 0f);
        assertArrayEquals(p.requireBlob("audio").toShorts(), back.requireBlob("audio").toShorts());
        assertEquals("image/png", back.requireBlob("preview").mime());
        assertEquals("", back.requireBlob("preview").dtype());
        // 1 version + 4 + json + 4 count + three blobs' headers and bytes
        int json = p.params().encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int headers = (4 + 3 + 4 + 24 + 4 + 7 + 4 + 2 * 8 + 4) + (4 + 5 + 4 + 9 + 4 + 5 + 4 + 8 + 4)
                + (4 + 7 + 4 + 9 + 4 + 0 + 4 + 0 + 4);
        assertEquals(6 + 1 + 4 + json + 4 + headers + 80 * 12 * 4 + 480 * 2 + 333, wire.length());
    }

    @Test
    void codecIsTheClusteredDefaultWithNoSystemId() {
        assertEquals(-1, codec.systemCodecID());
        TesseraPayload p = sample();
        assertSame(p, codec.transform(p));
    }

    @Test
    void malformedWireBytesAreRefusedWithTheReason() {
        Buffer good = encode(sample());
        Buffer badVersion = good.copy();
        badVersion.setByte(6, (byte) 9);
        assertMalformed("unknown version 9", badVersion);

        Buffer truncated = good.getBuffer(0, good.length() - 10);
        assertMalformed("bytes of blob 2", truncated);

        Buffer hugeJson = Buffer.buffer("HEADER").appendByte((byte) 1).appendInt(1_000).appendString("{}");
        assertMalformed("params needs 1000 bytes", hugeJson);

        Buffer negativeCount = Buffer.buffer("HEADER").appendByte((byte) 1).appendInt(2).appendString("{}")
                .appendInt(-3);
        assertMalformed("blob count is negative (-3)", negativeCount);

        Buffer notObject = Buffer.buffer("HEADER").appendByte((byte) 1).appendInt(2).appendString("[]").appendInt(0);
        assertMalformed("params are not a JSON object", notObject);

        // A float32 (2, 2) tensor declared with 12 bytes instead of 16.
        Buffer badShape = Buffer.buffer("HEADER").appendByte((byte) 1).appendInt(2).appendString("{}").appendInt(1)
                .appendInt(1).appendString("x").appendInt(0).appendInt(7).appendString("float32")
                .appendInt(2).appendLong(2).appendLong(2).appendInt(12).appendBytes(new byte[12]);
        assertMalformed("needs 16 bytes, got 12", badShape);

        Buffer overCap = Buffer.buffer("HEADER").appendByte((byte) 1).appendInt(2).appendString("{}").appendInt(1)
                .appendInt(1).appendString("x").appendInt(0).appendInt(0).appendInt(0)
                .appendInt(TesseraPayload.MAX_INLINE_BYTES + 1);
        assertMalformed("more than the limit", overCap);
    }

    private void assertMalformed(String expected, Buffer wire) {
        var e = assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(6, wire));
        assertTrue(e.getMessage().startsWith("malformed TesseraPayload wire form"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void payloadsOverSixteenMebibytesAreRefusedAsTooLarge() {
        var e = assertThrows(JobFailure.class, () -> TesseraPayload.of(new JsonObject(),
                TesseraPayload.Blob.ofBytes("big", "application/octet-stream",
                        new byte[TesseraPayload.MAX_INLINE_BYTES])));
        assertEquals(FailureCode.TOO_LARGE, e.code());
        assertEquals(413, e.code().httpStatus());
        var dup = assertThrows(JobFailure.class, () -> TesseraPayload.of(null,
                TesseraPayload.Blob.ofBytes("a", null, new byte[1]), TesseraPayload.Blob.ofBytes("a", null, new byte[1])));
        assertEquals(FailureCode.BAD_INPUT, dup.code());
    }

    @Test
    @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
    void localDeliveryHandsOverTheSameInstance(Vertx vertx, VertxTestContext test) {
        Codecs.registerAll(vertx);
        Codecs.registerAll(vertx); // idempotent
        TesseraPayload sent = sample();
        vertx.eventBus().<TesseraPayload>consumer("test.codec", m -> m.reply(m.body()))
                .completion()
                .compose(v -> vertx.eventBus().<TesseraPayload>request("test.codec", sent))
                .map(Message::body)
                .onComplete(test.succeeding(received -> test.verify(() -> {
                    assertSame(sent, received);
                    assertSame(sent.requireBlob("mel").bytes(), received.requireBlob("mel").bytes());
                    test.completeNow();
                })));
    }
}
