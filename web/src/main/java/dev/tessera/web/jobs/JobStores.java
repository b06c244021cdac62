package dev.tessera.web.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;

/**
 * Opens a {@link JobStore} from the {@code --store} URL: {@code sqlite:PATH} (or a plain path) for the
 * embedded default, {@code postgres://user:password@host:port/db} (or {@code postgresql://}) for a cluster.
 */
public final class JobStores {

    /**
     * How long SQLite waits for a lock before it reports the store busy. The connection holds the file
     * exclusively, so only opening can wait, on another live process (a killed one releases its lock at once).
     */
    static final int SQLITE_BUSY_TIMEOUT_MS = 1_000;

    private JobStores() {
    }

    /** Opens the store a URL names, creating its tables. */
    public static Future<JobStore> open(Vertx vertx, String url) {
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            return postgres(vertx, url, System::currentTimeMillis);
        }
        String path = url.startsWith("sqlite:") ? url.substring("sqlite:".length()) : url;
        if (path.isBlank() || url.contains("://")) {
            return Future.failedFuture(new IllegalArgumentException("--store must be sqlite:PATH (or a file path) or "
                    + "postgres://user:password@host:port/database, got '" + url + "'"));
        }
        return sqlite(Path.of(path), System::currentTimeMillis);
    }

    /**
     * The SQLite store in {@code file} (created with its folder). One process owns it: the connection locks
     * the file exclusively (a second server on the same file fails to start, saying so), uses the
     * write-ahead log with {@code synchronous = NORMAL}: a process killed at any point keeps every committed
     * change (SQLite's guarantee for WAL mode); a power cut may lose the last commits, which at worst runs an
     * item once more and rewrites the same file. FULL would sync every claim and heartbeat (about 50 ms each
     * on the CI disk).
     */
    public static Future<JobStore> sqlite(Path file, LongSupplier clock) {
        Connection connection;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + SQLITE_BUSY_TIMEOUT_MS);
                s.execute("PRAGMA locking_mode = EXCLUSIVE");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA foreign_keys = ON");
            }
        } catch (Exception e) {
            return Future.failedFuture(openFailure(file.toString(), e));
        }
        SqlJobStore store = new SqlJobStore(new JdbcSql(connection, "tessera-jobstore"), false, true,
                "sqlite:" + file.toAbsolutePath(), clock);
        return store.createSchema()
                .<JobStore>map(store)
                .recover(err -> store.close().transform(v -> Future.failedFuture(openFailure(file.toString(), err))));
    }

    private static IllegalStateException openFailure(String file, Throwable err) {
        return new IllegalStateException("cannot open the job store " + file + (isBusy(err)
                ? ": another Tessera process holds it (one server per SQLite store; use PostgreSQL to share jobs "
                + "between nodes)" : ": " + err.getMessage()), err);
    }

    /** The PostgreSQL store at {@code url}: a pool of 4 connections; the tables are created if missing. */
    public static Future<JobStore> postgres(Vertx vertx, String url, LongSupplier clock) {
        PgConnectOptions connect;
        try {
            connect = PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://"));
        } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot read the PostgreSQL URL: " + e.getMessage()));
        }
        var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
        String description = "postgres://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
        SqlJobStore store = new SqlJobStore(new PgSql(pool), true, false, description, clock);
        return store.createSchema()
                .<JobStore>map(store)
                .recover(err -> store.close().transform(v -> Future.failedFuture(new IllegalStateException(
                        "cannot open the job store " + description + ": " + err.getMessage(), err))));
    }

    private static boolean isBusy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException && c.getMessage() != null
                    && (c.getMessage().contains("SQLITE_BUSY") || c.getMessage().contains("locked"))) {
                return true;
            }
        }
        return false;
    }
}
