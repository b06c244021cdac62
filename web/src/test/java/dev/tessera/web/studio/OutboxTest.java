package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbox's rules of serving spec 2.3, on a socket whose write queue the test fills and drains. */
class OutboxTest {

    /** A socket that records what was written and reports full while the test says so. */
    static final class RecordingSocket implements Outbox.Socket, Outbox.Listener {
        final List<String> written = new ArrayList<>();
        boolean full;
        int dropped;
        int slowClosed;
        String closedWith;

        @Override
        public boolean writeQueueFull() {
            return full;
        }

        @Override
        public void write(Outbox.Frame frame) {
            written.add(frame.kind() + ":" + frame.key() + ":" + frame.data().length());
        }

        @Override
        public void closeStalled(String reason) {
            closedWith = reason;
        }

        @Override
        public void previewDropped() {
            dropped++;
        }

        @Override
        public void slowClosed() {
            slowClosed++;
        }
    }

    static Outbox.Frame frame(Outbox.Kind kind, String key, int bytes) {
        return new Outbox.Frame(kind, key, Buffer.buffer(new byte[bytes]), kind != Outbox.Kind.PREVIEW);
    }

    @Test
    void whileTheSocketIsFullControlIsKeptProgressCoalescedAndPreviewsLatestOnly() {
        RecordingSocket s = new RecordingSocket();
        Outbox o = new Outbox(s, s, 1 << 20, 1000, 2 << 20);
        o.send(frame(Outbox.Kind.CONTROL, "a", 10));
        assertEquals(List.of("CONTROL:a:10"), s.written, "written at once while the socket takes it");
        s.full = true;
        o.send(frame(Outbox.Kind.PROGRESS, "progress:a", 11));
        o.send(frame(Outbox.Kind.PREVIEW, "a", 100));
        o.send(frame(Outbox.Kind.PROGRESS, "progress:a", 12));      // replaces the waiting 11
        o.send(frame(Outbox.Kind.PREVIEW, "a", 101));               // replaces the waiting 100: one drop
        o.send(frame(Outbox.Kind.PREVIEW, "b", 200));               // another job's preview is kept
        o.send(frame(Outbox.Kind.CONTROL, "a", 13));
        o.send(frame(Outbox.Kind.CONTROL, "a", 14));
        assertEquals(1, s.dropped);
        assertEquals(5, o.pendingFrames());
        assertEquals(101 + 200 + 12 + 13 + 14, o.pendingBytes());
        s.full = false;
        o.drain();
        assertEquals(List.of("CONTROL:a:10", "PROGRESS:progress:a:12", "PREVIEW:a:101", "PREVIEW:b:200", "CONTROL:a:13",
                "CONTROL:a:14"), s.written, "in order; a replacement takes the place of the newest");
        assertEquals(0, o.pendingBytes());
    }

    @Test
    void audioWaitsInOrderUpToItsCapPerJob() {
        RecordingSocket s = new RecordingSocket();
        Outbox o = new Outbox(s, s, 64 << 20, 1000, 1000);
        s.full = true;
        assertTrue(o.offerAudio(frame(Outbox.Kind.AUDIO, "a", 600)));
        assertFalse(o.offerAudio(frame(Outbox.Kind.AUDIO, "a", 600)), "past 1,000 waiting bytes of job a");
        assertTrue(o.offerAudio(frame(Outbox.Kind.AUDIO, "b", 600)), "job b has its own cap");
        assertTrue(o.offerAudio(frame(Outbox.Kind.AUDIO, "a", 400)));
        s.full = false;
        o.drain();
        assertEquals(List.of("AUDIO:a:600", "AUDIO:b:600", "AUDIO:a:400"), s.written);
        s.full = true;
        assertTrue(o.offerAudio(frame(Outbox.Kind.AUDIO, "a", 1000)), "the cap counts what waits, not what was sent");
    }

    @Test
    void aStalledClientIsClosedWith1013PastTheLimits() {
        RecordingSocket bytes = new RecordingSocket();
        Outbox byBytes = new Outbox(bytes, bytes, 1000, 1000, 2 << 20);
        bytes.full = true;
        byBytes.send(frame(Outbox.Kind.CONTROL, "a", 600));
        assertFalse(byBytes.isClosed());
        byBytes.send(frame(Outbox.Kind.CONTROL, "a", 600));
        assertTrue(byBytes.isClosed());
        assertEquals(1, bytes.slowClosed);
        assertTrue(bytes.closedWith.contains("1200 bytes wait"), bytes.closedWith);

        RecordingSocket control = new RecordingSocket();
        Outbox byCount = new Outbox(control, control, 1 << 20, 3, 2 << 20);
        control.full = true;
        for (int i = 0; i < 10; i++) {
            byCount.send(frame(Outbox.Kind.PROGRESS, "progress:a", 5));   // coalesced: never more than one
        }
        for (int i = 0; i < 3; i++) {
            byCount.send(frame(Outbox.Kind.CONTROL, "a", 5));
        }
        assertFalse(byCount.isClosed());
        byCount.send(frame(Outbox.Kind.CONTROL, "a", 5));
        assertTrue(byCount.isClosed(), "the fourth waiting control frame is one too many");
        assertTrue(control.closedWith.contains("4 control frames"), control.closedWith);
    }
}
