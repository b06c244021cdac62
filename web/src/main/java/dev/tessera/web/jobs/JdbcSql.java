package dev.tessera.web.jobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * {@link Sql} over one JDBC connection, used by one thread of its own: every call is queued to that thread,
 * so JDBC never blocks an event loop and statements never interleave. Inside {@link #transaction} the work
 * runs on that thread with a {@link Direct} view whose calls execute at once (their futures are already
 * complete when returned), so a transaction is one uninterrupted stretch of that thread.
 *
 * <p>A call made on a Vert.x context completes its future back on that context, so a route handler's
 * callbacks run on its event loop as usual; a call from a plain thread (a test) completes on the store
 * thread.
 */
final class JdbcSql implements Sql {

    private final Connection connection;
    private final ExecutorService thread;
    private final Direct direct = new Direct();

    JdbcSql(Connection connection, String threadName) {
        this.connection = connection;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Future<List<Map<String, Object>>> query(String sql, Object... params) {
        return onThread(() -> direct.rows(sql, params));
    }

    @Override
    public Future<Integer> update(String sql, Object... params) {
        return onThread(() -> direct.count(sql, params));
    }

    @Override
    public Future<Void> batch(String sql, List<Object[]> rows) {
        return onThread(() -> {
            direct.runBatch(sql, rows);
            return null;
        });
    }

    @Override
    public <T> Future<T> transaction(Function<Sql, Future<T>> work) {
        return onThread(() -> {
            connection.setAutoCommit(false);
            try {
                Future<T> f = work.apply(direct);
                if (!f.isComplete()) {
                    throw new IllegalStateException("a JDBC transaction must not wait for anything but its statements");
                }
                if (f.failed()) {
                    connection.rollback();
                    throw asException(f.cause());
                }
                connection.commit();
                return f.result();
            } catch (Exception | Error e) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    @Override
    public Future<Void> close() {
        Future<Void> closed = onThread(() -> {
            connection.close();
            return null;
        });
        thread.shutdown();
        return closed;
    }

    private interface SqlWork<T> {
        T run() throws Exception;
    }

    private <T> Future<T> onThread(SqlWork<T> work) {
        Promise<T> promise = Promise.promise();
        Context caller = Vertx.currentContext();
        try {
            thread.execute(() -> {
                T result = null;
                Throwable failure = null;
                try {
                    result = work.run();
                } catch (Throwable t) {
                    failure = t;
                }
                T r = result;
                Throwable f = failure;
                Runnable complete = () -> {
                    if (f == null) {
                        promise.complete(r);
                    } else {
                        promise.fail(f);
                    }
                };
                if (caller == null) {
                    complete.run();
                } else {
                    caller.runOnContext(v -> complete.run());
                }
            });
        } catch (RejectedExecutionException e) {
            promise.fail(new IllegalStateException("the job store is closed"));
        }
        return promise.future();
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** Runs each statement at once on the calling (store) thread. */
    private final class Direct implements Sql {

        @Override
        public Future<List<Map<String, Object>>> query(String sql, Object... params) {
            try {
                return Future.succeededFuture(rows(sql, params));
            } catch (SQLException e) {
                return Future.failedFuture(e);
            }
        }

        @Override
        public Future<Integer> update(String sql, Object... params) {
            try {
                return Future.succeededFuture(count(sql, params));
            } catch (SQLException e) {
                return Future.failedFuture(e);
            }
        }

        @Override
        public Future<Void> batch(String sql, List<Object[]> rows) {
            try {
                runBatch(sql, rows);
                return Future.succeededFuture();
            } catch (SQLException e) {
                return Future.failedFuture(e);
            }
        }

        @Override
        public <T> Future<T> transaction(Function<Sql, Future<T>> work) {
            return work.apply(this);                       // already in one
        }

        @Override
        public Future<Void> close() {
            return Future.failedFuture(new IllegalStateException("close the store, not a transaction"));
        }

        List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
            try (PreparedStatement s = prepare(sql, params)) {
                boolean hasRows = s.execute();
                List<Map<String, Object>> out = new ArrayList<>();
                if (!hasRows) {
                    return out;
                }
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            Object v = rs.getObject(c);
                            row.put(meta.getColumnLabel(c).toLowerCase(Locale.ROOT),
                                    v instanceof Number n && !(v instanceof Double) ? n.longValue() : v);
                        }
                        out.add(row);
                    }
                }
                return out;
            }
        }

        int count(String sql, Object... params) throws SQLException {
            try (PreparedStatement s = prepare(sql, params)) {
                return s.executeUpdate();
            }
        }

        void runBatch(String sql, List<Object[]> rows) throws SQLException {
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    bind(s, row);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }

        private PreparedStatement prepare(String sql, Object... params) throws SQLException {
            PreparedStatement s = connection.prepareStatement(sql);
            bind(s, params);
            return s;
        }

        private void bind(PreparedStatement s, Object[] params) throws SQLException {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
        }
    }
}
