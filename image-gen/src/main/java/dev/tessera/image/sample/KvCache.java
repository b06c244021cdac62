package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of one attention layer for every position seen so far, preallocated
 * {@code (R, heads, capacity, d)} (specs/image.md 3: {@code (2B, 8, 64, 32)} per inter-token layer under
 * CFG). A step writes its position in place and attends over {@code [0, position]}; the intra-token
 * transformer's length-2 cache is reused for every token by writing from position 0 again.
 */
final class KvCache {

    private final NDArray keys;
    private final NDArray values;
    private final int capacity;

    /** Zeros in {@code manager} (the run's), which owns and frees them. */
    KvCache(NDManager manager, int rows, int heads, int capacity, int headDim) {
        Shape s = new Shape(rows, heads, capacity, headDim);
        this.keys = manager.zeros(s, DataType.FLOAT32);
        this.values = manager.zeros(s, DataType.FLOAT32);
        this.capacity = capacity;
    }

    /** Stores {@code k} and {@code v}, each {@code (R, heads, 1, d)}, at {@code position}. */
    void write(int position, NDArray k, NDArray v) {
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is outside the cache of " + capacity);
        }
        NDIndex at = new NDIndex(":, :, {}:{}", position, position + 1);
        keys.set(at, k);
        values.set(at, v);
    }

    /** Keys of positions {@code [0, length)}, {@code (R, heads, length, d)}, in {@code step}'s manager. */
    NDArray keys(NDManager step, int length) {
        return keys.get(step, new NDIndex(":, :, :{}", length));
    }

    /** Values of positions {@code [0, length)}, {@code (R, heads, length, d)}, in {@code step}'s manager. */
    NDArray values(NDManager step, int length) {
        return values.get(step, new NDIndex(":, :, :{}", length));
    }
}
