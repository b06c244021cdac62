package dev.tessera.core.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The requests a model runs in one forward pass, handed to {@link ModelVerticle#runBatch}. The model
 * answers each job with {@link #complete} or {@link #fail}; a job it leaves unanswered gets an
 * {@code internal} failure when {@code runBatch} returns.
 *
 * <p>Jobs in a batch stop one by one: at each step the model asks for {@link #live()}, which answers the
 * jobs that were cancelled or ran out of time (at this step, not at the end of the batch) and returns the
 * rest. A model whose batch rows are independent may keep computing rows of stopped jobs; it just does
 * not answer them.
 *
 * @param <R> the model's parsed request type
 */
public final class Batch<R> {

    /** Delivers one job's answer: exactly one of {@code result} and {@code failure} is non-null. */
    @FunctionalInterface
    public interface Answer<R> {
        void answer(Job<R> job, TesseraPayload result, JobFailure failure);
    }

    /** Work for one job; see {@link #forEachLive}. */
    @FunctionalInterface
    public interface JobWork<R> {
        TesseraPayload run(Job<R> job) throws Exception;
    }

    private final List<Job<R>> jobs;
    private final Answer<R> answer;
    private final String model;

    public Batch(String model, List<Job<R>> jobs, Answer<R> answer) {
        this.model = model;
        this.jobs = List.copyOf(jobs);
        this.answer = Objects.requireNonNull(answer, "answer");
    }

    /** Every job of the batch, in queue order; some may already be answered. */
    public List<Job<R>> jobs() {
        return jobs;
    }

    public int size() {
        return jobs.size();
    }

    /**
     * The jobs still to be answered. Jobs that must stop (cancelled, past their deadline, model shutting
     * down) are answered with their reason now and left out; call this at every step.
     */
    public List<Job<R>> live() {
        List<Job<R>> live = new ArrayList<>(jobs.size());
        for (Job<R> job : jobs) {
            if (job.isDone()) {
                continue;
            }
            JobCancelledException stop = job.context().stopReason();
            if (stop != null) {
                fail(job, stop);
            } else {
                live.add(job);
            }
        }
        return live;
    }

    /** Whether every job has been answered. */
    public boolean allDone() {
        for (Job<R> job : jobs) {
            if (!job.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** Answers {@code job} with its result; ignored when the job was already answered. */
    public void complete(Job<R> job, TesseraPayload result) {
        if (job.markDone()) {
            answer.answer(job, Objects.requireNonNull(result, "result"), null);
        }
    }

    /** Answers {@code job} with a failure; ignored when the job was already answered. */
    public void fail(Job<R> job, JobFailure failure) {
        if (job.markDone()) {
            answer.answer(job, null, Objects.requireNonNull(failure, "failure"));
        }
    }

    /**
     * Runs {@code work} for each live job in turn, for models that do not batch inside their forward pass.
     * A job whose work throws fails alone: its own stop reason if it was stopped, the {@link JobFailure} it
     * threw, else {@code internal}.
     */
    public void forEachLive(JobWork<R> work) {
        for (Job<R> job : jobs) {
            if (job.isDone()) {
                continue;
            }
            JobCancelledException stop = job.context().stopReason();
            if (stop != null) {
                fail(job, stop);
                continue;
            }
            try {
                complete(job, work.run(job));
            } catch (Exception e) {
                fail(job, failureOf(job, e));
            }
        }
    }

    /** The failure to answer {@code job} with when its work threw {@code e}. */
    JobFailure failureOf(Job<R> job, Throwable e) {
        JobCancelledException stop = job.context().stopReason();
        if (stop != null) {
            return stop;
        }
        if (e instanceof JobCancelledException c && !c.jobId().equals(job.id())) {
            return JobFailure.internal(model + " (job " + job.id() + " stopped because job " + c.jobId()
                    + " of its batch was cancelled; a model should use Batch.live())", e);
        }
        if (e instanceof JobFailure f) {
            return f;
        }
        return JobFailure.internal(model, e);
    }
}
