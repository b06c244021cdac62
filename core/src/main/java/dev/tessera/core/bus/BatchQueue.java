package dev.tessera.core.bus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The bounded FIFO queue of one model and the rule that turns it into micro-batches (serving spec 6).
 * A plain class, not thread-safe: a model verticle uses it only on its own context, so it needs no locks.
 * Times are {@link System#nanoTime()} values passed in by the caller, so tests drive the clock.
 *
 * <p>Batches are formed from compatible entries (equal {@link Entry#batchKey()}), oldest first: the
 * group of the oldest entry goes first, then the next group in arrival order. With a delay of 0 a group
 * goes as soon as it is asked for (greedy); with a delay {@code d} a group goes when it has
 * {@code maxBatch} entries or its oldest entry has waited {@code d}.
 */
public final class BatchQueue<E extends BatchQueue.Entry> {

    /** What the queue needs to know about a waiting request. */
    public interface Entry {
        /** Entries with equal keys may share a batch (same step count, same shape bucket, ...). */
        Object batchKey();

        /** {@link System#nanoTime()} when the entry was admitted. */
        long enqueuedNanos();

        /** {@link System#nanoTime()} deadline, or {@link JobContext#NO_DEADLINE}. */
        long deadlineNanos();
    }

    /**
     * The answer of {@link #next}: a batch to run now, or how long to wait for one.
     *
     * @param batch entries to run now, removed from the queue; empty when none is due
     * @param waitNanos when {@code batch} is empty: nanoseconds until a group becomes due, or -1 when the
     *     queue is empty
     */
    public record Next<E>(List<E> batch, long waitNanos) {
        public boolean ready() {
            return !batch.isEmpty();
        }
    }

    private final int capacity;
    private final List<E> entries = new ArrayList<>();

    public BatchQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds an entry at the tail; false when the queue is full (the caller answers busy). */
    public boolean offer(E entry) {
        Objects.requireNonNull(entry, "entry");
        if (entries.size() >= capacity) {
            return false;
        }
        entries.add(entry);
        return true;
    }

    /** Removes this very entry (by identity); false when it is not waiting. */
    public boolean remove(E entry) {
        for (Iterator<E> it = entries.iterator(); it.hasNext(); ) {
            if (it.next() == entry) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    public int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The waiting entries, oldest first (a copy). */
    public List<E> snapshot() {
        return List.copyOf(entries);
    }

    /** Removes and returns every entry whose deadline is at or before {@code nowNanos}. */
    public List<E> removeExpired(long nowNanos) {
        return removeIf(e -> e.deadlineNanos() != JobContext.NO_DEADLINE && nowNanos - e.deadlineNanos() >= 0);
    }

    /** Removes and returns every entry that matches, oldest first. */
    public List<E> removeIf(Predicate<? super E> test) {
        List<E> removed = new ArrayList<>();
        for (Iterator<E> it = entries.iterator(); it.hasNext(); ) {
            E e = it.next();
            if (test.test(e)) {
                it.remove();
                removed.add(e);
            }
        }
        return removed.isEmpty() ? List.of() : removed;
    }

    /**
     * The next batch to run at {@code nowNanos}: the first group (in order of its oldest entry) that is due,
     * up to {@code maxBatch} of its entries in arrival order. Expired entries should be removed first.
     *
     * @param maxDelayNanos 0 for greedy; else how long a group's oldest entry may wait for the group to fill
     */
    public Next<E> next(long nowNanos, int maxBatch, long maxDelayNanos) {
        if (entries.isEmpty()) {
            return new Next<>(List.of(), -1);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        // Groups in order of their oldest entry; LinkedHashMap keeps first-seen order.
        Map<Object, List<E>> groups = new LinkedHashMap<>();
        for (E e : entries) {
            groups.computeIfAbsent(e.batchKey(), k -> new ArrayList<>()).add(e);
        }
        long wait = Long.MAX_VALUE;
        for (List<E> group : groups.values()) {
            long waited = nowNanos - group.get(0).enqueuedNanos();
            if (maxDelayNanos <= 0 || group.size() >= maxBatch || waited >= maxDelayNanos) {
                List<E> batch = new ArrayList<>(group.subList(0, Math.min(maxBatch, group.size())));
                Set<E> taken = Collections.newSetFromMap(new IdentityHashMap<>());
                taken.addAll(batch);
                entries.removeIf(taken::contains);
                return new Next<>(Collections.unmodifiableList(batch), 0);
            }
            wait = Math.min(wait, maxDelayNanos - waited);
        }
        return new Next<>(List.of(), wait);
    }
}
