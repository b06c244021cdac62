package dev.tessera.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.web.jobs.JobStore.Attempt;
import dev.tessera.web.jobs.JobStore.BatchStatus;
import dev.tessera.web.jobs.JobStore.ItemSpec;
import dev.tessera.web.jobs.JobStore.Lease;
import dev.tessera.web.jobs.JobStore.NewBatch;
import dev.tessera.web.jobs.JobStore.Output;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job store's contract, run against each store (SQLite always, PostgreSQL when its binaries are
 * installed) without any HTTP: submission and idempotency, claiming in order, the compare-and-set on
 * completion, lease expiry and the three-attempt limit, busy releases, cancel, and concurrent claims. The
 * clock is the test's, so leases expire when the test says.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class JobStoreContract {

    static final String IMAGES = "lane.images";
    static final String AUDIO = "lane.audio";
    static final long LEASE = 10_000;

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    JobStore store;

    /** A fresh, empty store that reads time from {@code clock}. */
    abstract JobStore open(LongSupplier clock) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open(now::get);
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
    }

    /** The future's value; its failure as it is (not wrapped), so tests can assert on its type. */
    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.await(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the store did not answer in 20 s", e);
        }
    }

    static NewBatch batch(String key, int images, int audio) {
        List<ItemSpec> items = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            items.add(new ItemSpec(items.size(), "image", "image-ar", IMAGES, new JsonObject().put("seed", i),
                    "img-" + i + ".png"));
        }
        for (int i = 0; i < audio; i++) {
            items.add(new ItemSpec(items.size(), "audio", "vocoder", AUDIO, new JsonObject().put("steps", 2),
                    "clip-" + i + ".wav"));
        }
        return new NewBatch("test", key, "sha-" + images + "-" + audio, items);
    }

    Lease claim(String lane) {
        return await(store.claim(lane, "worker-1", LEASE)).orElseThrow();
    }

    @Test
    void aSubmittedBatchIsQueuedAndAnIdempotencyKeyReturnsTheSameBatch() {
        JobStore.Submitted first = await(store.submit(batch("key-1", 2, 1)));
        assertTrue(first.created());
        BatchStatus b = first.batch();
        assertEquals("queued", b.state());
        assertEquals(3, b.counts().queued());
        assertEquals(0.0, b.overall());
        assertEquals(List.of("img-0.png", "img-1.png", "clip-0.wav"),
                await(store.items(b.id())).stream().map(JobStore.ItemStatus::output).toList());

        JobStore.Submitted again = await(store.submit(batch("key-1", 2, 1)));
        assertFalse(again.created());
        assertEquals(b.id(), again.batch().id());
        assertEquals(b.id(), await(store.batchByKey("key-1")).orElseThrow().id());

        Throwable conflict = assertThrows(Exception.class, () -> await(store.submit(batch("key-1", 1, 1))));
        assertInstanceOf(JobStore.KeyConflict.class, conflict);
        assertTrue(await(store.submit(batch(null, 1, 0))).created(), "no key: always a new batch");
        assertEquals(Optional.empty(), await(store.batch("00000000-0000-0000-0000-000000000000")));
        assertEquals(2, await(store.batches(10, null)).size());
    }

    @Test
    void claimsTakeTheOldestItemOfTheirLaneAndCompletionIsACompareAndSet() {
        String id = await(store.submit(batch(null, 2, 1))).batch().id();
        Lease a = claim(IMAGES);
        Lease b = claim(IMAGES);
        assertEquals(List.of(0, 1), List.of(a.index(), b.index()));
        assertEquals(Optional.empty(), await(store.claim(IMAGES, "w", LEASE)), "the image lane is empty");
        assertEquals(2, claim(AUDIO).index());
        assertEquals(1, a.attempt());
        assertEquals("running", await(store.batch(id)).orElseThrow().state());

        assertTrue(await(store.complete(a, new Output(10, "aa", "image/png"))));
        assertFalse(await(store.complete(a, new Output(10, "aa", "image/png"))), "a lease completes once");
        JobStore.ItemStatus done = await(store.item(id, "img-0.png")).orElseThrow();
        assertEquals("succeeded", done.state());
        assertEquals(10, done.bytes());
        assertEquals("aa", done.sha256());
        assertEquals(1, await(store.batch(id)).orElseThrow().counts().succeeded());
    }

    @Test
    void anExpiredLeaseIsRequeuedAndItsOldHolderCannotComplete() {
        String id = await(store.submit(batch(null, 1, 0))).batch().id();
        Lease first = claim(IMAGES);
        now.addAndGet(LEASE / 2);
        assertTrue(await(store.renew(first, LEASE)));
        now.addAndGet(LEASE / 2 + 1);
        assertEquals(List.of(), await(store.requeueAbandoned(false)), "renewed: not expired yet");
        now.addAndGet(LEASE);
        List<Lease> abandoned = await(store.requeueAbandoned(false));
        assertEquals(List.of(first.token()), abandoned.stream().map(Lease::token).toList());
        assertFalse(await(store.isActive(first.token())));

        Lease second = claim(IMAGES);
        assertEquals(2, second.attempt());
        assertNotEquals(first.token(), second.token());
        assertFalse(await(store.renew(first, LEASE)));
        assertFalse(await(store.complete(first, new Output(1, "x", "image/png"))), "the old holder lost the item");
        assertTrue(await(store.complete(second, new Output(2, "y", "image/png"))));

        List<Attempt> attempts = await(store.attempts(id));
        assertEquals(List.of("expired", "succeeded"), attempts.stream().map(Attempt::outcome).toList());
        assertEquals(List.of(1, 2), attempts.stream().map(Attempt::attempt).toList());
        assertEquals(2, await(store.item(id, "img-0.png")).orElseThrow().bytes());
    }

    @Test
    void anItemAbandonedThreeTimesFails() {
        String id = await(store.submit(batch(null, 1, 0))).batch().id();
        for (int attempt = 1; attempt <= JobStore.MAX_ATTEMPTS; attempt++) {
            assertEquals(attempt, claim(IMAGES).attempt());
            assertEquals(1, await(store.requeueAbandoned(true)).size());
        }
        assertEquals(Optional.empty(), await(store.claim(IMAGES, "w", LEASE)));
        JobStore.ItemStatus item = await(store.item(id, "img-0.png")).orElseThrow();
        assertEquals("failed", item.state());
        assertEquals(3, item.attempts());
        assertEquals("failed", await(store.batch(id)).orElseThrow().state());
    }

    @Test
    void aBusyReleaseDoesNotCountAndFailuresRetryUpToThreeAttempts() {
        String id = await(store.submit(batch(null, 1, 0))).batch().id();
        assertTrue(await(store.release(claim(IMAGES))));
        Lease first = claim(IMAGES);
        assertEquals(1, first.attempt(), "a release gives the attempt back");
        assertEquals(Optional.of("queued"), await(store.fail(first, "internal", "boom", true)));
        assertEquals(Optional.of("queued"), await(store.fail(claim(IMAGES), "internal", "boom", true)));
        Lease third = claim(IMAGES);
        assertEquals(3, third.attempt());
        assertEquals(Optional.of("failed"), await(store.fail(third, "internal", "boom 3", true)));
        assertEquals(Optional.empty(), await(store.fail(third, "internal", "again", true)), "the lease is gone");
        JobStore.ItemStatus item = await(store.item(id, "img-0.png")).orElseThrow();
        assertEquals("failed", item.state());
        assertEquals("boom 3", item.errorMessage());
        assertEquals(List.of("released", "retry", "retry", "failed"),
                await(store.attempts(id)).stream().map(Attempt::outcome).toList());
    }

    @Test
    void cancelStopsQueuedItemsLetsRunningOnesFinishAndIsIdempotent() {
        String id = await(store.submit(batch(null, 3, 0))).batch().id();
        Lease running = claim(IMAGES);
        JobStore.CancelResult cancel = await(store.cancel(id)).orElseThrow();
        assertTrue(cancel.cancelled());
        assertEquals(2, cancel.items());
        assertEquals("running", cancel.batch().state());
        assertEquals(Optional.empty(), await(store.claim(IMAGES, "w", LEASE)));
        assertTrue(await(store.complete(running, new Output(3, "z", "image/png"))));
        JobStore.CancelResult again = await(store.cancel(id)).orElseThrow();
        assertTrue(again.cancelled());
        assertEquals(0, again.items());
        assertEquals("cancelled", again.batch().state());
        assertEquals(1, again.batch().counts().succeeded());
        assertEquals(Optional.empty(), await(store.cancel("00000000-0000-0000-0000-000000000000")));

        String done = await(store.submit(batch(null, 1, 0))).batch().id();
        assertTrue(await(store.complete(claim(IMAGES), new Output(3, "z", "image/png"))));
        assertFalse(await(store.cancel(done)).orElseThrow().cancelled(), "nothing left to cancel");
        assertEquals("succeeded", await(store.batch(done)).orElseThrow().state());
    }

    @Test
    void studioJobsAreRecordedListedPerClientAndUnfinishedOnesInterrupted() {
        JobStore.StudioRecord done = studio("00000000-0000-4000-8000-000000000001", "alice", "succeeded",
                new JsonObject().put("outputs", new io.vertx.core.json.JsonArray().add(new JsonObject()
                        .put("name", "image0.png").put("bytes", 12))));
        await(store.saveStudioJob(studio(done.id(), "alice", "queued", null)));
        now.addAndGet(10);
        await(store.saveStudioJob(studio(done.id(), "alice", "running", null)));
        now.addAndGet(10);
        await(store.saveStudioJob(done));                                      // the same id: replaced, not added
        now.addAndGet(10);
        await(store.saveStudioJob(studio("00000000-0000-4000-8000-000000000002", "alice", "running", null)));
        now.addAndGet(10);
        await(store.saveStudioJob(studio("00000000-0000-4000-8000-000000000003", "bob", "queued", null)));

        JobStore.StudioRecord read = await(store.studioJob(done.id())).orElseThrow();
        assertEquals("succeeded", read.state());
        assertEquals(done.summary(), read.summary());
        assertEquals(now.get() - 20, read.updatedAt());
        assertEquals(Optional.empty(), await(store.studioJob("00000000-0000-4000-8000-00000000000f")));
        assertEquals(List.of("00000000-0000-4000-8000-000000000002", done.id()),
                await(store.studioJobs("alice", 10)).stream().map(JobStore.StudioRecord::id).toList(), "newest first");
        assertEquals(1, await(store.studioJobs("alice", 1)).size());

        // Only what was written before the cut-off is interrupted; finished jobs keep their state.
        assertEquals(1, (int) await(store.interruptStudioJobs(now.get())));
        JobStore.StudioRecord interrupted = await(store.studioJob("00000000-0000-4000-8000-000000000002")).orElseThrow();
        assertEquals("failed", interrupted.state());
        assertEquals("failed", interrupted.summary().getString("state"));
        assertEquals("interrupted", interrupted.summary().getJsonObject("error").getString("code"));
        assertEquals("queued", await(store.studioJob("00000000-0000-4000-8000-000000000003")).orElseThrow().state());
        assertEquals("succeeded", await(store.studioJob(done.id())).orElseThrow().state());
        assertEquals(1, (int) await(store.interruptStudioJobs(now.get() + 1)));
        assertEquals(0, (int) await(store.interruptStudioJobs(now.get() + 1)));
    }

    /** A studio record as the studio writes it: the summary carries the state, and the result once it ended. */
    JobStore.StudioRecord studio(String id, String client, String state, JsonObject result) {
        JsonObject summary = new JsonObject().put("jobId", id).put("model", "image-ar").put("state", state)
                .put("progress", result == null ? 0.5 : 1.0);
        if (result != null) {
            summary.put("result", result);
        }
        return new JobStore.StudioRecord(id, client, "image-ar", state, summary, now.get(), 0);
    }

    @Test
    void concurrentClaimsNeverHandOutAnItemTwice() throws Exception {
        int n = 40;
        String id = await(store.submit(batch(null, n, 0))).batch().id();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> all = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String owner = "worker-" + w;
                workers.add(pool.submit(() -> {
                    Optional<Lease> lease;
                    while ((lease = await(store.claim(IMAGES, owner, LEASE))).isPresent()) {
                        seen.add(lease.get().index());
                        all.add(lease.get().index());
                        assertTrue(await(store.complete(lease.get(), new Output(1, "s", "image/png"))));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n, all.size(), "claims: " + all);
        assertEquals(n, seen.size());
        assertEquals(n, await(store.batch(id)).orElseThrow().counts().succeeded());
        assertEquals(n, new HashSet<>(await(store.attempts(id)).stream().map(Attempt::itemId).toList()).size());
    }
}
