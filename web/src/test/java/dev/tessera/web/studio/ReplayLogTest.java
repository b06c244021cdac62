package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay log of serving spec 2.4: latest progress only, capacity and age, and when it covers a gap. */
class ReplayLogTest {

    static List<Long> seqs(ReplayLog log, long lastSeq, long now) {
        return log.after(lastSeq, now).orElseThrow().stream().map(ReplayLog.Entry::seq).toList();
    }

    @Test
    void progressKeepsOnlyTheLatestPerJobAndThatLosesNothing() {
        ReplayLog log = new ReplayLog(1000, 600_000);
        log.append(1, "a", false, "queued", 0);
        log.append(2, "a", true, "p1", 0);
        log.append(3, "b", true, "q1", 0);
        log.append(4, "a", true, "p2", 0);
        log.append(5, "a", false, "result", 0);
        assertEquals(List.of(1L, 3L, 4L, 5L), seqs(log, 0, 0));
        assertEquals(List.of(4L, 5L), seqs(log, 3, 0));
        assertEquals(List.of(3L, 4L, 5L), seqs(log, 2, 0), "a replaced progress event is no gap");
    }

    @Test
    void eventsPushedOutByCapacityOrAgeMakeOlderGapsUncoverable() {
        ReplayLog log = new ReplayLog(3, 1_000);
        for (long s = 1; s <= 5; s++) {
            log.append(s, "a", false, "e" + s, s * 100);
        }
        assertEquals(3, log.size());
        assertTrue(log.after(1, 500).isEmpty(), "events 2 is gone");
        assertEquals(List.of(3L, 4L, 5L), seqs(log, 2, 500));
        assertEquals(List.of(5L), seqs(log, 4, 500));
        assertTrue(log.after(3, 1_450).isEmpty(), "at 1,450 ms event 4 (at 400 ms) is older than 1 s");
        assertEquals(List.of(5L), seqs(log, 4, 1_450));
    }
}
