package dev.tessera.core.bus;

/**
 * Every event-bus address and header name Tessera uses. Front ends and model verticles meet here, so an
 * address is never spelled twice.
 */
public final class Addresses {

    public static final String PREFIX = "tessera.";

    public static final String IMAGE_GENERATE = "tessera.image.generate";
    public static final String AUDIO_VOCODE = "tessera.audio.vocode";
    public static final String DISTILL_IMAGE_GENERATE = "tessera.distill.image.generate";
    public static final String DISTILL_AUDIO_VOCODE = "tessera.distill.audio.vocode";
    public static final String TOKENIZERS_ENCODE = "tessera.tokenizers.encode";
    public static final String TOKENIZERS_DECODE = "tessera.tokenizers.decode";
    public static final String TOKENIZERS_TRAIN = "tessera.tokenizers.train";
    /** The diagnostic probe model used by the bus benchmark and the serving tests. */
    public static final String PROBE_INFER = "tessera.probe.infer";

    /** Published: {@code {jobId, reason}}; every model verticle stops that job at its next step. */
    public static final String JOBS_CANCEL = "tessera.jobs.cancel";

    /** Cluster-wide map of model name to its {@link ModelStatus}, refreshed by each model verticle. */
    public static final String MODELS_MAP = "tessera.models";

    /** Header carrying the job id (a lowercase UUID) on requests, progress and replies. */
    public static final String HEADER_JOB_ID = "tessera-job-id";
    /** Header carrying the milliseconds left before the request's deadline, never an absolute time. */
    public static final String HEADER_TIMEOUT_MS = "tessera-timeout-ms";
    /** Header naming the front end that sent a request ({@code ws}, {@code rest}, {@code batch}), for metrics. */
    public static final String HEADER_FRONT = "tessera-front";
    /** Reply header: requests still waiting in the model's queue when the reply left, for {@code Retry-After}. */
    public static final String HEADER_QUEUE_DEPTH = "tessera-queue-depth";

    private Addresses() {
    }

    /** Where progress for one job is published: {@code tessera.jobs.<id>.progress}. */
    public static String progress(String jobId) {
        return "tessera.jobs." + jobId + ".progress";
    }
}
