package dev.tessera.web.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The {@link JobStore} in SQL, the same statements on SQLite and PostgreSQL; only claiming differs
 * (PostgreSQL adds {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once never wait on each other's row).
 *
 * <p>Tables: {@code batches} (id, name, idempotency key and body hash, cancel flag, times),
 * {@code items} (one row per item: state, attempts, the current lease token, owner and expiry, the output's
 * size, SHA-256 and type, the error) and {@code attempts} (one row per claim: attempt number, token, owner,
 * start, end and outcome: {@code succeeded}, {@code failed}, {@code retry}, {@code released},
 * {@code expired} or {@code lost}); {@code studio_jobs} (one row per studio job: owner, model, state and the
 * JSON summary the studio shows). Times are milliseconds since the epoch from the store's clock.
 */
final class SqlJobStore implements JobStore {

    private static final String ITEM_COLUMNS = "id, batch_id, idx, kind, model, lane, params, output, state, attempts, "
            + "lease_token, error_code, error_message, bytes, sha256, mime, updated_at";

    static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, name TEXT, idem_key TEXT UNIQUE, "
                    + "body_sha256 TEXT NOT NULL, cancelled BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, "
                    + "updated_at BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, batch_id TEXT NOT NULL REFERENCES batches(id), "
                    + "idx BIGINT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL, lane TEXT NOT NULL, "
                    + "params TEXT NOT NULL, output TEXT NOT NULL, state TEXT NOT NULL, "
                    + "attempts BIGINT NOT NULL DEFAULT 0, lease_token TEXT, lease_owner TEXT, lease_expires BIGINT, "
                    + "error_code TEXT, error_message TEXT, bytes BIGINT, sha256 TEXT, mime TEXT, "
                    + "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
                    + "UNIQUE (batch_id, idx), UNIQUE (batch_id, output))",
            "CREATE INDEX IF NOT EXISTS items_queue ON items (lane, state, created_at, batch_id, idx)",
            "CREATE INDEX IF NOT EXISTS items_lease ON items (state, lease_expires)",
            "CREATE TABLE IF NOT EXISTS attempts (token TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES items(id), "
                    + "attempt BIGINT NOT NULL, owner TEXT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, "
                    + "outcome TEXT)",
            "CREATE INDEX IF NOT EXISTS attempts_item ON attempts (item_id)",
            "CREATE TABLE IF NOT EXISTS studio_jobs (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, model TEXT NOT NULL, "
                    + "state TEXT NOT NULL, summary TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS studio_jobs_client ON studio_jobs (client_id, created_at)",
            "CREATE INDEX IF NOT EXISTS studio_jobs_state ON studio_jobs (state, updated_at)");

    private final Sql sql;
    private final boolean postgres;
    private final boolean exclusive;
    private final String description;
    private final LongSupplier clock;

    SqlJobStore(Sql sql, boolean postgres, boolean exclusive, String description, LongSupplier clock) {
        this.sql = sql;
        this.postgres = postgres;
        this.exclusive = exclusive;
        this.description = description;
        this.clock = clock;
    }

    /** Creates the tables that do not exist yet, in one transaction. */
    Future<Void> createSchema() {
        return sql.transaction(tx -> {
            Future<Void> chain = Future.succeededFuture();
            for (String statement : SCHEMA) {
                chain = chain.compose(v -> tx.update(statement).mapEmpty());
            }
            return chain;
        });
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean exclusive() {
        return exclusive;
    }

    @Override
    public Future<Void> ping() {
        return sql.query("SELECT 1 AS one").mapEmpty();
    }

    @Override
    public Future<Submitted> submit(NewBatch batch) {
        return sql.transaction(tx -> existing(tx, batch).compose(found -> {
                    if (found.isPresent()) {
                        return Future.succeededFuture(new Submitted(found.get(), false));
                    }
                    return insert(tx, batch).map(status -> new Submitted(status, true));
                }))
                // Two identical submissions at once: the loser's insert breaks the key's uniqueness; it then
                // finds the winner's batch.
                .recover(err -> err instanceof KeyConflict || batch.idempotencyKey() == null
                        ? Future.failedFuture(err)
                        : existing(sql, batch).compose(found -> found.isPresent()
                                ? Future.succeededFuture(new Submitted(found.get(), false))
                                : Future.failedFuture(err)));
    }

    private Future<Optional<BatchStatus>> existing(Sql s, NewBatch batch) {
        if (batch.idempotencyKey() == null) {
            return Future.succeededFuture(Optional.empty());
        }
        return s.query("SELECT id, body_sha256 FROM batches WHERE idem_key = ?", batch.idempotencyKey())
                .compose(rows -> {
                    if (rows.isEmpty()) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    String id = (String) rows.get(0).get("id");
                    if (!batch.bodySha256().equals(rows.get(0).get("body_sha256"))) {
                        return Future.failedFuture(new KeyConflict(batch.idempotencyKey(), id));
                    }
                    return status(s, id);
                });
    }

    private Future<BatchStatus> insert(Sql tx, NewBatch batch) {
        String id = UUID.randomUUID().toString();
        long now = clock.getAsLong();
        List<Object[]> rows = new ArrayList<>(batch.items().size());
        for (ItemSpec item : batch.items()) {
            rows.add(new Object[] {UUID.randomUUID().toString(), id, (long) item.index(), item.kind(), item.model(),
                item.lane(), item.params().encode(), item.output(), QUEUED, now, now});
        }
        return tx.update("INSERT INTO batches (id, name, idem_key, body_sha256, cancelled, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, 0, ?, ?)", id, batch.name(), batch.idempotencyKey(), batch.bodySha256(),
                        now, now)
                .compose(n -> tx.batch("INSERT INTO items (id, batch_id, idx, kind, model, lane, params, output, state, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows))
                .compose(v -> status(tx, id))
                .map(Optional::orElseThrow);
    }

    @Override
    public Future<Optional<BatchStatus>> batch(String id) {
        return status(sql, id);
    }

    @Override
    public Future<Optional<BatchStatus>> batchByKey(String key) {
        return sql.query("SELECT id FROM batches WHERE idem_key = ?", key)
                .compose(rows -> rows.isEmpty() ? Future.succeededFuture(Optional.empty())
                        : status(sql, (String) rows.get(0).get("id")));
    }

    @Override
    public Future<List<BatchStatus>> batches(int limit, String after) {
        Future<List<Map<String, Object>>> page = after == null
                ? sql.query("SELECT id FROM batches ORDER BY created_at DESC, id DESC LIMIT ?", (long) limit)
                : sql.query("SELECT b.id FROM batches b, batches a WHERE a.id = ? AND (b.created_at < a.created_at "
                        + "OR (b.created_at = a.created_at AND b.id < a.id)) ORDER BY b.created_at DESC, b.id DESC "
                        + "LIMIT ?", after, (long) limit);
        return page.compose(rows -> {
            List<Future<Optional<BatchStatus>>> all = rows.stream().map(r -> status(sql, (String) r.get("id"))).toList();
            return Future.all(all).map(cf -> all.stream().map(f -> f.result().orElseThrow()).toList());
        });
    }

    private Future<Optional<BatchStatus>> status(Sql s, String id) {
        return s.query("SELECT id, name, cancelled, created_at, updated_at FROM batches WHERE id = ?", id)
                .compose(rows -> {
                    if (rows.isEmpty()) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    Map<String, Object> b = rows.get(0);
                    return s.query("SELECT state, COUNT(*) AS n, MAX(updated_at) AS last FROM items WHERE batch_id = ? "
                            + "GROUP BY state", id).map(counts -> {
                                int[] n = new int[5];
                                long updated = Sql.longOf(b, "updated_at", 0);
                                for (Map<String, Object> c : counts) {
                                    int slot = List.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED).indexOf(c.get("state"));
                                    n[slot] = (int) Sql.longOf(c, "n", 0);
                                    updated = Math.max(updated, Sql.longOf(c, "last", 0));
                                }
                                return Optional.of(new BatchStatus(id, (String) b.get("name"),
                                        new Counts(n[0], n[1], n[2], n[3], n[4]), Sql.longOf(b, "cancelled", 0) != 0,
                                        Sql.longOf(b, "created_at", 0), updated));
                            });
                });
    }

    @Override
    public Future<List<ItemStatus>> items(String batchId) {
        return sql.query("SELECT " + ITEM_COLUMNS + " FROM items WHERE batch_id = ? ORDER BY idx", batchId)
                .map(rows -> rows.stream().map(SqlJobStore::itemStatus).toList());
    }

    @Override
    public Future<Optional<ItemStatus>> item(String batchId, String output) {
        return sql.query("SELECT " + ITEM_COLUMNS + " FROM items WHERE batch_id = ? AND output = ?", batchId, output)
                .map(rows -> rows.stream().findFirst().map(SqlJobStore::itemStatus));
    }

    private static ItemStatus itemStatus(Map<String, Object> r) {
        return new ItemStatus((String) r.get("id"), (String) r.get("batch_id"), (int) Sql.longOf(r, "idx", 0),
                (String) r.get("kind"), (String) r.get("model"), (String) r.get("output"), (String) r.get("state"),
                (int) Sql.longOf(r, "attempts", 0), (String) r.get("error_code"), (String) r.get("error_message"),
                Sql.longOf(r, "bytes", -1), (String) r.get("sha256"), (String) r.get("mime"),
                Sql.longOf(r, "updated_at", 0));
    }

    @Override
    public Future<Optional<Lease>> claim(String lane, String owner, long leaseMs) {
        String token = UUID.randomUUID().toString();
        long now = clock.getAsLong();
        String oldest = "SELECT q.id FROM items q WHERE q.lane = ? AND q.state = 'queued' "
                + "ORDER BY q.created_at, q.batch_id, q.idx LIMIT 1" + (postgres ? " FOR UPDATE SKIP LOCKED" : "");
        return sql.transaction(tx -> tx.query("UPDATE items SET state = 'running', attempts = attempts + 1, "
                        + "lease_token = ?, lease_owner = ?, lease_expires = ?, updated_at = ? "
                        + "WHERE id = (" + oldest + ") AND state = 'queued' "
                        + "RETURNING id, batch_id, idx, kind, model, lane, params, output, attempts",
                        token, owner, now + leaseMs, now, lane)
                .compose(rows -> {
                    if (rows.isEmpty()) {
                        return Future.succeededFuture(Optional.<Lease>empty());
                    }
                    Lease lease = lease(rows.get(0), token);
                    return tx.update("INSERT INTO attempts (token, item_id, attempt, owner, started_at) "
                                    + "VALUES (?, ?, ?, ?, ?)", token, lease.itemId(), (long) lease.attempt(), owner, now)
                            .map(n -> Optional.of(lease));
                }));
    }

    /** A lease from an item row (id, batch_id, idx, kind, model, lane, params, output, attempts). */
    private static Lease lease(Map<String, Object> r, String token) {
        return new Lease((String) r.get("id"), (String) r.get("batch_id"), (int) Sql.longOf(r, "idx", 0),
                (String) r.get("kind"), (String) r.get("model"), (String) r.get("lane"),
                new JsonObject((String) r.get("params")), (String) r.get("output"), (int) Sql.longOf(r, "attempts", 0),
                token);
    }

    @Override
    public Future<Boolean> renew(Lease lease, long leaseMs) {
        long now = clock.getAsLong();
        return sql.update("UPDATE items SET lease_expires = ? WHERE id = ? AND lease_token = ? AND state = 'running'",
                now + leaseMs, lease.itemId(), lease.token()).map(n -> n == 1);
    }

    @Override
    public Future<Boolean> complete(Lease lease, Output output) {
        long now = clock.getAsLong();
        return sql.transaction(tx -> tx.update("UPDATE items SET state = 'succeeded', bytes = ?, sha256 = ?, mime = ?, "
                        + "lease_token = NULL, lease_expires = NULL, error_code = NULL, error_message = NULL, "
                        + "updated_at = ? WHERE id = ? AND lease_token = ? AND state = 'running'",
                        output.bytes(), output.sha256(), output.mime(), now, lease.itemId(), lease.token())
                .compose(n -> endAttempt(tx, lease, n == 1 ? SUCCEEDED : "lost", now).map(v -> n == 1)));
    }

    @Override
    public Future<Boolean> release(Lease lease) {
        long now = clock.getAsLong();
        return sql.transaction(tx -> tx.update("UPDATE items SET state = 'queued', attempts = attempts - 1, "
                        + "lease_token = NULL, lease_expires = NULL, updated_at = ? "
                        + "WHERE id = ? AND lease_token = ? AND state = 'running'", now, lease.itemId(), lease.token())
                .compose(n -> endAttempt(tx, lease, n == 1 ? "released" : "lost", now).map(v -> n == 1)));
    }

    @Override
    public Future<Optional<String>> fail(Lease lease, String code, String message, boolean retry) {
        long now = clock.getAsLong();
        boolean again = retry && lease.attempt() < MAX_ATTEMPTS;
        String state = again ? QUEUED : FAILED;
        return sql.transaction(tx -> tx.update("UPDATE items SET state = ?, lease_token = NULL, lease_expires = NULL, "
                        + "error_code = ?, error_message = ?, updated_at = ? "
                        + "WHERE id = ? AND lease_token = ? AND state = 'running'",
                        state, code, message, now, lease.itemId(), lease.token())
                .compose(n -> endAttempt(tx, lease, n == 0 ? "lost" : again ? "retry" : FAILED, now)
                        .map(v -> n == 1 ? Optional.of(state) : Optional.<String>empty())));
    }

    private static Future<Void> endAttempt(Sql tx, Lease lease, String outcome, long now) {
        return tx.update("UPDATE attempts SET outcome = ?, ended_at = ? WHERE token = ? AND outcome IS NULL",
                outcome, now, lease.token()).mapEmpty();
    }

    @Override
    public Future<List<Lease>> requeueAbandoned(boolean allRunning) {
        long now = clock.getAsLong();
        return sql.transaction(tx -> tx.query("SELECT id, batch_id, idx, kind, model, lane, params, output, attempts, "
                        + "lease_token FROM items WHERE state = 'running'" + (allRunning ? "" : " AND lease_expires < ?"),
                        allRunning ? new Object[0] : new Object[] {now})
                .compose(rows -> {
                    List<Lease> abandoned = new ArrayList<>();
                    Future<Void> chain = Future.succeededFuture();
                    for (Map<String, Object> r : rows) {
                        Lease lease = lease(r, (String) r.get("lease_token"));
                        abandoned.add(lease);
                        boolean out = lease.attempt() >= MAX_ATTEMPTS;
                        chain = chain
                                .compose(v -> tx.update("UPDATE items SET state = ?, lease_token = NULL, "
                                        + "lease_expires = NULL, error_code = ?, error_message = ?, updated_at = ? "
                                        + "WHERE id = ? AND lease_token = ?", out ? FAILED : QUEUED,
                                        out ? "internal" : null, out ? "the item was abandoned " + MAX_ATTEMPTS
                                                + " times (its worker stopped or lost its lease each time); see the server"
                                                + " log" : null, now, lease.itemId(), lease.token()))
                                .compose(n -> endAttempt(tx, lease, "expired", now));
                    }
                    return chain.map(v -> abandoned);
                }));
    }

    @Override
    public Future<Boolean> isActive(String token) {
        return sql.query("SELECT id FROM items WHERE lease_token = ? AND state = 'running'", token)
                .map(rows -> !rows.isEmpty());
    }

    @Override
    public Future<Optional<CancelResult>> cancel(String batchId) {
        long now = clock.getAsLong();
        return sql.transaction(tx -> status(tx, batchId).compose(before -> {
            if (before.isEmpty()) {
                return Future.succeededFuture(Optional.<CancelResult>empty());
            }
            if (before.get().finished() && !before.get().cancelRequested()) {
                return Future.succeededFuture(Optional.of(new CancelResult(false, 0, before.get())));
            }
            return tx.update("UPDATE items SET state = 'cancelled', updated_at = ? WHERE batch_id = ? AND state = 'queued'",
                            now, batchId)
                    .compose(n -> tx.update("UPDATE batches SET cancelled = 1, updated_at = ? WHERE id = ?", now, batchId)
                            .compose(m -> status(tx, batchId))
                            .map(after -> Optional.of(new CancelResult(true, n, after.orElseThrow()))));
        }));
    }

    @Override
    public Future<List<Attempt>> attempts(String batchId) {
        return sql.query("SELECT a.item_id, i.idx, a.attempt, a.token, a.owner, a.outcome, a.started_at, a.ended_at "
                        + "FROM attempts a JOIN items i ON i.id = a.item_id WHERE i.batch_id = ? "
                        + "ORDER BY a.started_at, i.idx, a.attempt", batchId)
                .map(rows -> rows.stream().map(r -> new Attempt((String) r.get("item_id"), (int) Sql.longOf(r, "idx", 0),
                        (int) Sql.longOf(r, "attempt", 0), (String) r.get("token"), (String) r.get("owner"),
                        (String) r.get("outcome"), Sql.longOf(r, "started_at", 0), Sql.longOf(r, "ended_at", -1)))
                        .toList());
    }

    // ---- studio jobs ----

    private static final String STUDIO_COLUMNS = "id, client_id, model, state, summary, created_at, updated_at";

    @Override
    public Future<Void> saveStudioJob(StudioRecord job) {
        long now = clock.getAsLong();
        // One statement on both databases (SQLite >= 3.24 and PostgreSQL): insert, or replace state and summary.
        return sql.update("INSERT INTO studio_jobs (" + STUDIO_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET state = excluded.state, summary = excluded.summary, "
                        + "updated_at = excluded.updated_at", job.id(), job.clientId(), job.model(), job.state(),
                job.summary().encode(), job.createdAt() > 0 ? job.createdAt() : now, now)
                .mapEmpty();
    }

    @Override
    public Future<Optional<StudioRecord>> studioJob(String id) {
        return sql.query("SELECT " + STUDIO_COLUMNS + " FROM studio_jobs WHERE id = ?", id)
                .map(rows -> rows.stream().findFirst().map(SqlJobStore::studioRecord));
    }

    @Override
    public Future<List<StudioRecord>> studioJobs(String clientId, int limit) {
        return sql.query("SELECT " + STUDIO_COLUMNS + " FROM studio_jobs WHERE client_id = ? "
                        + "ORDER BY created_at DESC, id DESC LIMIT ?", clientId, (long) limit)
                .map(rows -> rows.stream().map(SqlJobStore::studioRecord).toList());
    }

    @Override
    public Future<Integer> interruptStudioJobs(long updatedBefore) {
        return sql.transaction(tx -> tx.query("SELECT " + STUDIO_COLUMNS + " FROM studio_jobs WHERE state IN (?, ?) "
                + "AND updated_at < ?", QUEUED, RUNNING, updatedBefore).compose(rows -> {
                    long now = clock.getAsLong();
                    List<Object[]> updates = new ArrayList<>();
                    for (Map<String, Object> r : rows) {
                        StudioRecord old = studioRecord(r);
                        JsonObject summary = old.summary().copy().put("state", FAILED).put("error", new JsonObject()
                                .put("code", "interrupted").put("message", "the server stopped before this job "
                                        + "finished (it was " + old.state() + "); submit it again"));
                        updates.add(new Object[] {summary.encode(), now, old.id(), old.state()});
                    }
                    if (updates.isEmpty()) {
                        return Future.succeededFuture(0);
                    }
                    // The state is checked again: a job that moved on meanwhile keeps its newer state.
                    return tx.batch("UPDATE studio_jobs SET state = '" + FAILED + "', summary = ?, updated_at = ? "
                            + "WHERE id = ? AND state = ?", updates).map(v -> updates.size());
                }));
    }

    private static StudioRecord studioRecord(Map<String, Object> r) {
        return new StudioRecord((String) r.get("id"), (String) r.get("client_id"), (String) r.get("model"),
                (String) r.get("state"), new JsonObject((String) r.get("summary")), Sql.longOf(r, "created_at", 0),
                Sql.longOf(r, "updated_at", 0));
    }

    @Override
    public Future<Void> close() {
        return sql.close();
    }
}
