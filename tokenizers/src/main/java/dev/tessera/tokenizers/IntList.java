package dev.tessera.tokenizers;

import java.util.Arrays;

/** A growable {@code int[]} for ids, so hot loops do not box. Not thread-safe; one per call. */
public final class IntList {

    private int[] values;
    private int size;

    public IntList() {
        this(16);
    }

    public IntList(int capacity) {
        values = new int[Math.max(1, capacity)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    public void addAll(int[] more) {
        addAll(more, more.length);
    }

    public void addAll(int[] more, int count) {
        if (size + count > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, size + count));
        }
        System.arraycopy(more, 0, values, size, count);
        size += count;
    }

    public int get(int index) {
        return values[index];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
