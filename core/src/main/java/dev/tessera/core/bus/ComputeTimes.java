package dev.tessera.core.bus;

/**
 * Recent compute time per request of one model, as an exponentially weighted mean over batches, and the
 * {@code Retry-After} it implies (serving spec 3.1): queue depth × mean compute time per request ÷ lanes,
 * clamped to 1–60 s. Not thread-safe; used on the verticle's context.
 */
public final class ComputeTimes {

    public static final long MIN_RETRY_MS = 1_000;
    public static final long MAX_RETRY_MS = 60_000;

    /** Weight of the newest batch: about the last ten batches count. */
    private static final double ALPHA = 0.2;

    private double meanSecondsPerItem = Double.NaN;

    /** Records a batch of {@code items} requests whose forward pass took {@code seconds}. */
    public void record(double seconds, int items) {
        if (items <= 0 || !(seconds >= 0)) {
            return;
        }
        double perItem = seconds / items;
        meanSecondsPerItem = Double.isNaN(meanSecondsPerItem) ? perItem
                : ALPHA * perItem + (1 - ALPHA) * meanSecondsPerItem;
    }

    /** Mean seconds per request, or NaN before the first batch. */
    public double meanSecondsPerItem() {
        return meanSecondsPerItem;
    }

    /** How long a client should wait before retrying when {@code depth} requests wait for {@code lanes} lanes. */
    public long retryAfterMs(int depth, int lanes) {
        double perItem = Double.isNaN(meanSecondsPerItem) ? 0 : meanSecondsPerItem;
        long ms = Math.round(depth * perItem * 1000 / Math.max(1, lanes));
        return Math.max(MIN_RETRY_MS, Math.min(MAX_RETRY_MS, ms));
    }
}
