package dev.tessera.web.studio;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session's replay log (serving spec 2.4): control, terminal and latest-progress text events, the last
 * {@code capacity} or the last {@code maxAgeMillis}, whichever is less. A progress event replaces the same
 * job's earlier one (only the latest is worth replaying); binary frames are never logged.
 *
 * <p>Whether the log can cover a gap: every event with a seq above {@code lastSeq} must still be here. An
 * event pushed out by capacity or age makes every {@code lastSeq} below its seq uncoverable; a progress event
 * replaced by a newer one is no loss. Touched only on the studio's event loop.
 */
final class ReplayLog {

    /** One logged event. */
    record Entry(long seq, String jobId, boolean progress, String text, long atMillis) {
    }

    private final int capacity;
    private final long maxAgeMillis;
    /** By seq, in seq order; progress entries are also found by job through {@link #progressOf}. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Long> progressOf = new java.util.HashMap<>();
    /** The highest seq ever pushed out by capacity or age; -1 while none was. */
    private long lostUpTo = -1;

    ReplayLog(int capacity, long maxAgeMillis) {
        this.capacity = capacity;
        this.maxAgeMillis = maxAgeMillis;
    }

    void append(long seq, String jobId, boolean progress, String text, long nowMillis) {
        if (progress && jobId != null) {
            Long previous = progressOf.put(jobId, seq);
            if (previous != null) {
                entries.remove(previous);
            }
        }
        entries.put(seq, new Entry(seq, jobId, progress, text, nowMillis));
        trim(nowMillis);
    }

    /** The events after {@code lastSeq} in seq order, or empty when some of them are gone. */
    Optional<List<Entry>> after(long lastSeq, long nowMillis) {
        trim(nowMillis);
        if (lastSeq < lostUpTo) {
            return Optional.empty();
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.seq() > lastSeq) {
                out.add(e);
            }
        }
        return Optional.of(out);
    }

    int size() {
        return entries.size();
    }

    private void trim(long nowMillis) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (entries.size() <= capacity && nowMillis - e.atMillis() <= maxAgeMillis) {
                break;
            }
            it.remove();
            lostUpTo = Math.max(lostUpTo, e.seq());
            if (e.progress() && e.jobId() != null) {
                progressOf.remove(e.jobId(), e.seq());
            }
        }
    }
}
