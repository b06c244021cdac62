package dev.tessera.core.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;

/**
 * A closed-loop load: {@code clients} senders, each with exactly one request outstanding, each sending
 * its next request as soon as the previous one is answered (so the offered load adapts to the server, and
 * latency and throughput are measured together, as a front end with that many busy users sees them).
 *
 * <p>All senders run in one verticle of their own, deployed for the load, so the bookkeeping needs no locks
 * and the senders get an event loop by Vert.x's round robin, like any verticle (a context made from a plain
 * thread would be that thread's sticky one, shared with whatever else it registered). The load first runs for
 * {@code warmup} unmeasured (JIT, pools and queues reach their steady state); then every answer that
 * arrives while the measuring window is open is recorded. Once the window closes no new request is sent
 * and the outstanding ones are awaited, so the next load starts on an idle bus.
 */
final class ClosedLoop {

    /** Sends one request; completes with the size of the batch that answered it (1 without batching). */
    @FunctionalInterface
    interface Request {
        Future<Integer> send();
    }

    /** Told, on the load's context, when the measuring window opens and closes (to read meters then). */
    interface Window {
        Window NONE = new Window() {
        };

        default void opened() {
        }

        default void closed() {
        }
    }

    /**
     * What one load measured.
     *
     * @param clients requests kept outstanding
     * @param windowNanos length of the measuring window
     * @param latencyNanos round-trip time of every request answered in the window, sorted ascending
     * @param inverseBatchSum sum over those requests of 1 / (size of the batch that answered it)
     */
    record Result(int clients, long windowNanos, long[] latencyNanos, double inverseBatchSum) {

        /** This load and {@code other} (same clients) as one: windows and answers pooled. */
        Result plus(Result other) {
            long[] all = Arrays.copyOf(latencyNanos, latencyNanos.length + other.latencyNanos.length);
            System.arraycopy(other.latencyNanos, 0, all, latencyNanos.length, other.latencyNanos.length);
            Arrays.sort(all);
            return new Result(clients, windowNanos + other.windowNanos, all, inverseBatchSum + other.inverseBatchSum);
        }

        /** Requests answered in the window. */
        int answered() {
            return latencyNanos.length;
        }

        /** Answers per second over the window. */
        double perSecond() {
            return answered() / (windowNanos / 1e9);
        }

        /** The {@code q}-quantile of latency (nearest rank) in µs; NaN when nothing was answered. */
        double percentileMicros(double q) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * latencyNanos.length);
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length, rank) - 1)] / 1e3;
        }

        /**
         * Requests per forward pass. Each answer names the size b of its batch, so a batch of b requests
         * contributes b answers of weight 1/b: answered ÷ Σ 1/b counts every batch once.
         */
        double meanBatch() {
            return answered() / inverseBatchSum;
        }
    }

    private ClosedLoop() {
    }

    /**
     * Runs one load; call from a thread that may block on the result, never from an event loop.
     *
     * @param vertx where the senders' verticle is deployed (and undeployed again when the load ends)
     * @param clients requests kept outstanding, at least 1
     */
    static Future<Result> run(Vertx vertx, int clients, Duration warmup, Duration measure, Request request,
                              Window window) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        Load load = new Load(clients, warmup.toMillis(), measure.toMillis(), request, window);
        return vertx.deployVerticle(load)
                .compose(id -> load.done.future().eventually(() -> vertx.undeploy(id)));
    }

    /** The senders of one load and their bookkeeping; touched only on the verticle's context. */
    private static final class Load extends VerticleBase {
        private final int clients;
        private final long warmupMs;
        private final long measureMs;
        private final Request request;
        private final Window window;
        private final Promise<Result> done = Promise.promise();

        private boolean open;
        private boolean closed;
        private long openedAt;
        private long closedAt;
        private long[] latencies = new long[4096];
        private int answered;
        private double inverseBatchSum;
        private int active;
        private Throwable failure;

        Load(int clients, long warmupMs, long measureMs, Request request, Window window) {
            this.clients = clients;
            this.warmupMs = warmupMs;
            this.measureMs = measureMs;
            this.request = request;
            this.window = window;
        }

        @Override
        public Future<?> start() {
            active = clients;
            if (warmupMs > 0) {
                vertx.setTimer(warmupMs, id -> open(measureMs));
            } else {
                open(measureMs);
            }
            for (int i = 0; i < clients; i++) {
                sendNext();
            }
            return Future.succeededFuture();
        }

        private void open(long measureMs) {
            window.opened();
            openedAt = System.nanoTime();
            open = true;
            vertx.setTimer(Math.max(1, measureMs), id -> {
                closedAt = System.nanoTime();
                open = false;
                closed = true;
                window.closed();
            });
        }

        private void sendNext() {
            if (closed || failure != null) {
                if (--active == 0) {
                    finish();
                }
                return;
            }
            long sent = System.nanoTime();
            Future<Integer> answer;
            try {
                answer = request.send();
            } catch (RuntimeException e) {
                answer = Future.failedFuture(e);
            }
            answer.onComplete(ar -> {
                if (ar.failed()) {
                    if (failure == null) {
                        failure = ar.cause();
                    }
                } else if (open) {
                    record(System.nanoTime() - sent, ar.result());
                }
                sendNext();
            });
        }

        private void record(long nanos, int batchSize) {
            if (answered == latencies.length) {
                latencies = Arrays.copyOf(latencies, 2 * answered);
            }
            latencies[answered++] = nanos;
            inverseBatchSum += 1.0 / batchSize;
        }

        private void finish() {
            if (failure != null) {
                done.fail(new IllegalStateException("a request of the closed-loop load failed: " + failure,
                        failure));
                return;
            }
            long[] sorted = Arrays.copyOf(latencies, answered);
            Arrays.sort(sorted);
            done.complete(new Result(clients, closedAt - openedAt, sorted, inverseBatchSum));
        }
    }
}
