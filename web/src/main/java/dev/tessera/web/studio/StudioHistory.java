package dev.tessera.web.studio;

import dev.tessera.web.jobs.JobStore;
import dev.tessera.web.jobs.OutputFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of the studio (serving spec 1): every studio job in the job store with its state and
 * summary, and its output files in the output folder ({@code <outputs>/<jobId>/<name>}, written to a
 * temporary name and renamed, as batch outputs are), so that history, {@code GET /api/v1/jobs/{id}} and
 * downloads survive a restart. At start, the jobs a stopped server left queued or running become
 * {@code failed/interrupted}. Writes of one job are chained, so the store never sees them out of order.
 * Used on the studio's event loop; file writes run on a worker.
 */
final class StudioHistory {

    /** How many of a client's past jobs {@code resync} reports. */
    static final int RESYNC_JOBS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(StudioHistory.class);

    private final Vertx vertx;
    private final JobStore store;
    private final OutputFiles files;
    /** The last write of each job not yet ended, so the next one follows it. */
    private final Map<String, Future<Void>> pending = new HashMap<>();

    StudioHistory(Vertx vertx, JobStore store, OutputFiles files) {
        this.vertx = vertx;
        this.store = store;
        this.files = files;
    }

    /**
     * Marks what a stopped server left unfinished as interrupted. An exclusive store (SQLite) belongs to this
     * process alone, so every unfinished job written before this studio started is; a shared one (PostgreSQL)
     * only those not written for {@code staleMs}, which no live node would leave so long (running jobs are
     * written when they start and end, and a job's deadline is at most 10 minutes).
     */
    Future<Integer> interruptUnfinished(long startedAtMillis, long staleMs) {
        long before = store.exclusive() ? startedAtMillis : System.currentTimeMillis() - staleMs;
        return store.interruptStudioJobs(before).onSuccess(n -> {
            if (n > 0) {
                LOG.info("studio: {} job(s) left unfinished by a stopped server now read failed/interrupted", n);
            }
        });
    }

    /** Records the job's current state and summary (queued, running, or its end). */
    void save(StudioJob job) {
        JobStore.StudioRecord record = new JobStore.StudioRecord(job.id, job.owner, job.model.name(), job.state,
                job.summary(), job.createdAtMillis, 0);
        Future<Void> previous = pending.getOrDefault(job.id, Future.succeededFuture());
        Future<Void> next = previous.transform(ignored -> store.saveStudioJob(record))
                .onFailure(e -> LOG.warn("studio job {} could not be recorded ({}): {}", job.id, job.state, e.toString()));
        if (job.terminal()) {
            pending.remove(job.id);
        } else {
            pending.put(job.id, next);
        }
    }

    /** A job's summary from the store, or empty for an id it has never seen. */
    Future<Optional<JsonObject>> summary(String jobId) {
        return store.studioJob(jobId).map(r -> r.map(JobStore.StudioRecord::summary));
    }

    /** A client's recorded jobs, newest first. */
    Future<List<JobStore.StudioRecord>> jobsOf(String clientId) {
        return store.studioJobs(clientId, RESYNC_JOBS);
    }

    /** Writes a finished job's files (blocking: call on a worker). */
    void writeOutputs(String jobId, List<JobOutputs.Output> outputs) throws IOException {
        for (JobOutputs.Output o : outputs) {
            String token = UUID.randomUUID().toString();
            Path temp = files.writeTemp(jobId, o.name(), token, o.bytes());
            files.publish(temp, jobId, o.name(), o.mime(), o.bytes());
        }
    }

    /** A recorded output file, read on a worker; empty when the ids are not valid or there is no such file. */
    Future<Optional<byte[]>> output(String jobId, String name) {
        Optional<Path> file = files.file(jobId, name);
        if (file.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return vertx.executeBlocking(() -> Files.isRegularFile(file.get())
                ? Optional.of(Files.readAllBytes(file.get())) : Optional.<byte[]>empty(), false);
    }
}
