package dev.tessera.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchQueueTest {

    private static final long MS = 1_000_000L;

    record Req(String id, Object batchKey, long enqueuedNanos, long deadlineNanos) implements BatchQueue.Entry {
        static Req at(String id, Object key, long ms) {
            return new Req(id, key, ms * MS, JobContext.NO_DEADLINE);
        }
    }

    private static List<String> ids(List<Req> reqs) {
        return reqs.stream().map(Req::id).toList();
    }

    @Test
    void fullQueueRefusesTheSurplus() {
        BatchQueue<Req> q = new BatchQueue<>(2);
        assertTrue(q.offer(Req.at("a", 1, 0)));
        assertTrue(q.offer(Req.at("b", 1, 0)));
        assertFalse(q.offer(Req.at("c", 1, 0)));
        assertEquals(2, q.size());
    }

    @Test
    void greedyTakesUpToMaxBatchOfTheOldestGroupInArrivalOrder() {
        BatchQueue<Req> q = new BatchQueue<>(10);
        q.offer(Req.at("a1", "a", 0));
        q.offer(Req.at("b1", "b", 1));
        q.offer(Req.at("a2", "a", 2));
        q.offer(Req.at("a3", "a", 3));
        q.offer(Req.at("b2", "b", 4));
        BatchQueue.Next<Req> first = q.next(5 * MS, 2, 0);
        assertEquals(List.of("a1", "a2"), ids(first.batch()));
        // b1 is now the oldest: its group goes before the remaining a3.
        assertEquals(List.of("b1", "b2"), ids(q.next(5 * MS, 2, 0).batch()));
        assertEquals(List.of("a3"), ids(q.next(5 * MS, 2, 0).batch()));
        BatchQueue.Next<Req> none = q.next(5 * MS, 2, 0);
        assertFalse(none.ready());
        assertEquals(-1, none.waitNanos());
    }

    @Test
    void delayedBatchWaitsUntilFullOrItsOldestHasWaited() {
        BatchQueue<Req> q = new BatchQueue<>(10);
        q.offer(Req.at("a1", "a", 0));
        q.offer(Req.at("a2", "a", 4));
        BatchQueue.Next<Req> early = q.next(6 * MS, 4, 20 * MS);
        assertFalse(early.ready());
        assertEquals(14 * MS, early.waitNanos()); // a1 has waited 6 of its 20 ms
        assertEquals(List.of("a1", "a2"), ids(q.next(20 * MS, 4, 20 * MS).batch()));

        q.offer(Req.at("c1", "c", 30));
        q.offer(Req.at("d1", "d", 31));
        q.offer(Req.at("d2", "d", 32));
        // d is full at maxBatch 2 though c is older and not yet due.
        assertEquals(List.of("d1", "d2"), ids(q.next(33 * MS, 2, 20 * MS).batch()));
        assertEquals(17 * MS, q.next(33 * MS, 2, 20 * MS).waitNanos());
        assertEquals(List.of("c1"), ids(q.next(50 * MS, 2, 20 * MS).batch()));
    }

    @Test
    void expiredEntriesAreRemovedAndNothingElse() {
        BatchQueue<Req> q = new BatchQueue<>(10);
        q.offer(new Req("soon", 1, 0, 10 * MS));
        q.offer(Req.at("never", 1, 0));
        q.offer(new Req("later", 1, 0, 50 * MS));
        assertEquals(List.of(), q.removeExpired(9 * MS));
        assertEquals(List.of("soon"), ids(q.removeExpired(10 * MS)));
        assertEquals(List.of("never", "later"), ids(q.snapshot()));
    }

    @Test
    void removeIsByIdentity() {
        BatchQueue<Req> q = new BatchQueue<>(10);
        Req a = Req.at("x", 1, 0);
        Req twin = Req.at("x", 1, 0);
        q.offer(a);
        q.offer(twin);
        assertTrue(q.remove(twin));
        assertEquals(1, q.size());
        assertTrue(q.snapshot().get(0) == a);
        assertFalse(q.remove(twin));
    }
}
