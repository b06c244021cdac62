package dev.tessera.tokenizers;

import java.util.Arrays;

/**
 * An open-addressing {@code long -> long} hash map (linear probing), for pair keys packed as
 * {@code (left << 32) | right}; no library we depend on offers a primitive map. Keys must not be
 * {@link Long#MIN_VALUE}, which marks empty slots. Not thread-safe for writes; safe to read once built.
 */
public final class LongLongMap {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    public LongLongMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
    }

    /** Packs a pair of non-negative ids. */
    public static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    public static int left(long pair) {
        return (int) (pair >>> 32);
    }

    public static int right(long pair) {
        return (int) pair;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int i = (int) (h ^ (h >>> 29)) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    public long get(long key, long missing) {
        int i = slot(key);
        return keys[i] == EMPTY ? missing : values[i];
    }

    public boolean containsKey(long key) {
        return keys[slot(key)] != EMPTY;
    }

    public void put(long key, long value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key Long.MIN_VALUE is reserved");
        }
        int i = slot(key);
        if (keys[i] == EMPTY) {
            keys[i] = key;
            size++;
            values[i] = value;
            if (size * 2 > keys.length) {
                grow();
            }
        } else {
            values[i] = value;
        }
    }

    /** Adds {@code delta} to the value of {@code key} (0 when absent) and returns the sum. */
    public long addTo(long key, long delta) {
        int i = slot(key);
        if (keys[i] == EMPTY) {
            put(key, delta);
            return delta;
        }
        values[i] += delta;
        return values[i];
    }

    public int size() {
        return size;
    }

    /** Receives each entry, in slot order. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long key, long value);
    }

    public void forEach(EntryConsumer consumer) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                consumer.accept(keys[i], values[i]);
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int j = slot(oldKeys[i]);
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }
}
