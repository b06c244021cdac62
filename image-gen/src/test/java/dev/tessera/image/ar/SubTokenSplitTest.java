package dev.tessera.image.ar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.core.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubTokenSplitTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void specSplitsAreSixPlusEightAndSixPlusTwelve() {
        assertEquals(new SubTokenSplit(6, 8), SubTokenSplit.forBits(14));
        assertEquals(new SubTokenSplit(6, 12), SubTokenSplit.forBits(18));
        assertEquals(64, SubTokenSplit.forBits(14).preSize());
        assertEquals(256, SubTokenSplit.forBits(14).postSize());
        assertEquals(4096, SubTokenSplit.forBits(18).postSize());
        assertThrows(IllegalArgumentException.class, () -> SubTokenSplit.forBits(6));
    }

    @Test
    void splitAndMergeRoundTripEveryTokenOnHostAndInTensors() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (SubTokenSplit s : new SubTokenSplit[] {SubTokenSplit.forBits(14), SubTokenSplit.forBits(18), new SubTokenSplit(3, 5)}) {
                int n = 1 << s.bits();
                NDArray all = m.arange(0, n).toType(DataType.INT64, false);
                NDArray pre = s.pre(all);
                NDArray post = s.post(all);
                long[] p = pre.toLongArray();
                long[] q = post.toLongArray();
                for (int i = 0; i < n; i++) {
                    // pre = the low bits = the first LFQ channels; post = the high bits.
                    assertEquals(i & (s.preSize() - 1), p[i]);
                    assertEquals(i >>> s.preBits(), q[i]);
                    assertEquals(p[i], s.pre(i));
                    assertEquals(q[i], s.post(i));
                    assertEquals(i, s.merge(p[i], q[i]));
                }
                assertArrayEquals(all.toLongArray(), s.merge(pre, post).toLongArray());
                assertEquals(DataType.INT64, post.getDataType());
            }
        }
    }
}
