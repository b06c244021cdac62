package dev.tessera.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, plus what only SQLite does: one process owns the file, and it survives a reopen. */
class SqliteJobStoreTest extends JobStoreContract {

    @TempDir
    Path dir;

    @Override
    JobStore open(LongSupplier clock) throws Exception {
        return JobStores.sqlite(dir.resolve("jobs.db"), clock).await(20, TimeUnit.SECONDS);
    }

    @Test
    void aSecondStoreOnTheSameFileIsRefusedAndAReopenKeepsEverything() throws Exception {
        String id = await(store.submit(batch("k", 2, 0))).batch().id();
        claim(IMAGES);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> JobStores.sqlite(dir.resolve("jobs.db"), now::get).await(20, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("another Tessera process holds it"), e.getMessage());

        store.close().await(10, TimeUnit.SECONDS);
        store = open(now::get);
        assertTrue(store.exclusive());
        assertEquals(1, await(store.batch(id)).orElseThrow().counts().running());
        assertEquals(1, await(store.requeueAbandoned(true)).size(), "the running item belonged to the closed store");
        assertEquals(2, await(store.batch(id)).orElseThrow().counts().queued());
    }
}
