package dev.tessera.web.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Sql} over the reactive PostgreSQL client: a pool for plain calls, one pooled connection for a
 * transaction. The store's {@code ?} placeholders become PostgreSQL's {@code $1, $2, ...}.
 */
final class PgSql implements Sql {

    private final Pool pool;
    private final SqlClient client;

    PgSql(Pool pool) {
        this(pool, pool);
    }

    private PgSql(Pool pool, SqlClient client) {
        this.pool = pool;
        this.client = client;
    }

    @Override
    public Future<List<Map<String, Object>>> query(String sql, Object... params) {
        return client.preparedQuery(numbered(sql)).execute(Tuple.from(params)).map(PgSql::rows);
    }

    @Override
    public Future<Integer> update(String sql, Object... params) {
        return client.preparedQuery(numbered(sql)).execute(Tuple.from(params)).map(RowSet::rowCount);
    }

    @Override
    public Future<Void> batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> tuples = rows.stream().map(Tuple::from).toList();
        return client.preparedQuery(numbered(sql)).executeBatch(tuples).mapEmpty();
    }

    @Override
    public <T> Future<T> transaction(Function<Sql, Future<T>> work) {
        if (client != pool) {
            return work.apply(this);                       // already in one
        }
        return pool.withTransaction(connection -> work.apply(new PgSql(pool, connection)));
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }

    /** {@code ?} placeholders as {@code $1, $2, ...}; the store's SQL has no {@code ?} inside literals. */
    static String numbered(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '?') {
                out.append('$').append(++n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static List<Map<String, Object>> rows(RowSet<Row> set) {
        List<Map<String, Object>> out = new ArrayList<>(set.size());
        for (Row row : set) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int c = 0; c < row.size(); c++) {
                Object v = row.getValue(c);
                map.put(row.getColumnName(c).toLowerCase(Locale.ROOT),
                        v instanceof Number n && !(v instanceof Double) ? n.longValue() : v);
            }
            out.add(map);
        }
        return out;
    }
}
