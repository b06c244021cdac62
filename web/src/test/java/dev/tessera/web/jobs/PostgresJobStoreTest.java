package dev.tessera.web.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL (claims with {@code FOR UPDATE SKIP LOCKED}), against a server this
 * test starts itself; skipped, saying why, when the PostgreSQL server binaries are not installed
 * ({@code apt-get install postgresql}; .ci/run installs them).
 */
class PostgresJobStoreTest extends JobStoreContract {

    private static PostgresCluster cluster;
    private static Vertx vertx;
    private static String url;
    private static Pool admin;

    @BeforeAll
    static void startServer() throws Exception {
        Path bin = PostgresCluster.binaries().orElse(null);
        Assumptions.assumeTrue(bin != null, "PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin/"
                + "initdb); apt-get install postgresql to run the store contract on PostgreSQL");
        cluster = PostgresCluster.start(bin);
        vertx = Vertx.vertx();
        url = cluster.newDatabase("jobs");
        admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url.replace("postgres:", "postgresql:")))
                .using(vertx).build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (admin != null) {
            admin.close().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    JobStore open(LongSupplier clock) throws Exception {
        // An empty schema per test: much cheaper than a database per test (createdb copies a template).
        admin.query("DROP SCHEMA IF EXISTS public CASCADE").execute()
                .compose(r -> admin.query("CREATE SCHEMA public").execute())
                .await(20, TimeUnit.SECONDS);
        return JobStores.postgres(vertx, url, clock).await(20, TimeUnit.SECONDS);
    }

    @Test
    void aClusterStoreIsShared() {
        assertFalse(store.exclusive(), "nodes share a PostgreSQL store, so running items wait for their lease");
    }
}
