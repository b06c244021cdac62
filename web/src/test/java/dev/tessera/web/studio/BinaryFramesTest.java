package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The 40-byte big-endian header of serving spec 2.2, byte by byte. */
class BinaryFramesTest {

    @Test
    void theHeaderIsFortyBigEndianBytesThenThePayload() {
        UUID id = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        Buffer f = BinaryFrames.encode(BinaryFrames.TYPE_AUDIO, BinaryFrames.FORMAT_PCM_F32, 0x0102030405060708L, id,
                22_050, 8192, new byte[] {9, 8, 7});
        assertEquals(43, f.length());
        byte[] b = f.getBytes();
        assertArrayEquals(new byte[] {0, 0, 0, 2, 0, 0, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8}, java.util.Arrays.copyOf(b, 16));
        assertEquals((byte) 0x00, b[16]);
        assertEquals((byte) 0x77, b[23]);
        assertEquals((byte) 0xff, b[31]);
        assertEquals(22_050, f.getInt(32));
        assertEquals(8192, f.getInt(36));
        BinaryFrames.Header h = BinaryFrames.header(f);
        assertEquals(new BinaryFrames.Header(2, 17, 0x0102030405060708L, id, 22_050, 8192), h);
        assertArrayEquals(new byte[] {9, 8, 7}, BinaryFrames.payload(f));
    }
}
