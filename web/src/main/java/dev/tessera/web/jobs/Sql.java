package dev.tessera.web.jobs;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The little SQL the job store needs, over either driver: plain JDBC for SQLite ({@link JdbcSql}, on the
 * store's own thread) or the reactive PostgreSQL client ({@link PgSql}). Statements are written once with
 * {@code ?} placeholders; parameters are {@code String}, {@code Long} or null (every number column is a
 * BIGINT, so PostgreSQL never has to coerce an int). Rows come back as maps from lower-case column name to
 * value, numbers as {@code Long}.
 */
interface Sql {

    /** Rows of a query (or of a statement with {@code RETURNING}). */
    Future<List<Map<String, Object>>> query(String sql, Object... params);

    /** Rows changed by an INSERT, UPDATE or DELETE. */
    Future<Integer> update(String sql, Object... params);

    /** One statement run once per parameter row, in one round trip where the driver allows. */
    Future<Void> batch(String sql, List<Object[]> rows);

    /** Runs {@code work} in one transaction: committed when its future succeeds, rolled back when it fails. */
    <T> Future<T> transaction(Function<Sql, Future<T>> work);

    /** Closes the connection (or pool). */
    Future<Void> close();

    /** A column as a long, or {@code fallback} when it is null. */
    static long longOf(Map<String, Object> row, String column, long fallback) {
        Object v = row.get(column);
        return v == null ? fallback : ((Number) v).longValue();
    }
}
