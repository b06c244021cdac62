package dev.tessera.core.nn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test helper: provoke what a garbage collection between a forward and a backward pass can do. */
public final class GarbageCollections {

    private GarbageCollections() {
    }

    /** Collects garbage (freeing unreachable direct buffers), then fills freed native memory with 1e30. */
    public static void collectAndScribble() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.putFloat(0, 1e30f);
            junk.add(b);
        }
        junk.clear();
    }
}
