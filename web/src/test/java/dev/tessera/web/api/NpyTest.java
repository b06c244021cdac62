package dev.tessera.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The .npy reader takes what numpy.save writes for float32 and refuses the rest with a clear message. */
class NpyTest {

    private static String refusal(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> Npy.read(bytes)).getMessage();
    }

    @Test
    void readsNumpysFloat32LayoutInCOrder() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Npy.Array a = Npy.read(TinyVocoderModel.npy(values, 2, 3));
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(values, a.values());
        assertArrayEquals(new long[] {6}, Npy.read(TinyVocoderModel.npy(values, 6)).shape());
        // Version 2.0 has a 4-byte header length; double quotes and no trailing comma are valid Python too.
        byte[] h = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1, 2, 3)}\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length).put(h).asFloatBuffer().put(values);
        assertArrayEquals(new long[] {1, 2, 3}, Npy.read(b.array()).shape());
    }

    @Test
    void refusesWhatIsNotLittleEndianFloat32InCOrderNamingIt() {
        float[] v = new float[6];
        assertTrue(refusal("RIFF....WAVE".getBytes(StandardCharsets.US_ASCII)).contains("not a .npy file"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                new float[6])).contains("dtype '<f8' is not accepted"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", v))
                .contains("little-endian float32"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", v))
                .contains("Fortran order"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", v))
                .contains("needs 32 data bytes, the file has 24"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", v))
                .contains("(n,)"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", v))
                .contains("malformed .npy header"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False}", v))
                .contains("exactly the keys"));
        assertTrue(refusal(TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", v))
                .contains("malformed .npy header"));
        byte[] good = TinyVocoderModel.npy(v, 6);
        assertTrue(refusal(Arrays.copyOf(good, good.length - 1)).contains("needs 24 data bytes, the file has 23"));
        assertTrue(refusal(Arrays.copyOf(good, 40)).contains("truncated .npy file"));
        byte[] v9 = good.clone();
        v9[6] = 9;
        assertTrue(refusal(v9).contains(".npy version 9.0 is not supported"));
    }
}
