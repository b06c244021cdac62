package dev.tessera.core.probe;

import static dev.tessera.core.probe.ProbeFixtures.await;
import static dev.tessera.core.probe.ProbeFixtures.awaitFailure;
import static dev.tessera.core.probe.ProbeFixtures.input;
import static dev.tessera.core.probe.ProbeFixtures.jobId;
import static dev.tessera.core.probe.ProbeFixtures.send;
import static dev.tessera.core.probe.ProbeFixtures.slow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.core.cluster.TesseraVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes in one JVM on 127.0.0.1 (Hazelcast TCP join, a cluster name of their own so that
 * parallel test runs on this machine never merge): the probe is deployed on node B and reached from node A.
 */
@Tag("cluster")
class ClusteredProbeTest {

    private static TesseraVertx.Node a;
    private static TesseraVertx.Node b;
    private static ProbeModel reference;
    private static final String JOIN_WAIT = "hazelcast.wait.seconds.before.join";
    private static String joinWaitBefore;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        int portA = freePort();
        int portB = freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        String cluster = "tessera-test-" + UUID.randomUUID();
        // Hazelcast's master waits this long for more join requests (default 5 s, and a joiner waits once
        // more); on loopback one second is plenty. A system property, so production settings are untouched.
        joinWaitBefore = System.setProperty(JOIN_WAIT, "1");
        long t0 = System.nanoTime();
        // Started together, each finds the other on its first join attempt.
        Future<TesseraVertx.Node> startA = TesseraVertx.start(
                new NodeOptions(true, "127.0.0.1", portA, 0, members, 10, cluster));
        Future<TesseraVertx.Node> startB = TesseraVertx.start(
                new NodeOptions(true, "127.0.0.1", portB, 0, members, 10, cluster));
        a = startA.await(60, TimeUnit.SECONDS);
        b = startB.await(60, TimeUnit.SECONDS);
        System.out.printf("cluster of two formed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        reference = ProbeModel.create(ProbeModel.DEFAULT_SEED);
        b.vertx().deployVerticle(ProbeVerticle::new, ModelVerticle.deploymentOptions(new JsonObject()))
                .await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        long t0 = System.nanoTime();
        Future.join(a == null ? Future.succeededFuture() : a.close(), b == null ? Future.succeededFuture() : b.close())
                .await(30, TimeUnit.SECONDS);
        System.out.printf("cluster closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        if (joinWaitBefore == null) {
            System.clearProperty(JOIN_WAIT);
        } else {
            System.setProperty(JOIN_WAIT, joinWaitBefore);
        }
        if (reference != null) {
            reference.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aPayloadFromNodeAReachesTheProbeOnNodeBAndTheReplyRoundTripsIntact() throws Exception {
        assertNotEquals(a.nodeId(), b.nodeId());
        String id = jobId();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        Promise<JobEnded> ended = Promise.promise();
        ModelClient.follow(a.vertx().eventBus(), id, progress::add, ended::tryComplete)
                .completion().await(10, TimeUnit.SECONDS);

        float[] x = input(2, 21);
        byte[] png = new byte[70_000];
        new SplittableRandom(3).nextBytes(png);
        short[] pcm = {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE};
        Blob image = Blob.ofBytes("image", "image/png", png);
        Blob audio = Blob.ofPcm16("audio", pcm, pcm.length);
        TesseraPayload sent = TesseraPayload.of(new JsonObject().put("steps", 3).put("echo", true)
                        .put("note", "über ✓").put("list", new JsonArray().add(1).add(2.5)),
                Blob.ofFloats("x", x, 2, 64), image, audio);

        Message<TesseraPayload> reply = await(send(a.vertx().eventBus(), id, sent, 20_000));
        TesseraPayload body = reply.body();
        assertArrayEquals(new long[] {2, 64}, body.requireBlob("y").shape());
        assertArrayEquals(reference.run(x, 2, 3), body.requireBlob("y").toFloats(), 1e-5f);
        assertEquals(image, body.requireBlob("image"));
        assertEquals(audio, body.requireBlob("audio"));
        assertArrayEquals(pcm, body.requireBlob("audio").toShorts());
        assertNotSame(png, body.requireBlob("image").bytes(), "crossed the wire, so it is a copy");
        assertEquals(id, reply.headers().get(Addresses.HEADER_JOB_ID));

        assertTrue(ended.future().await(10, TimeUnit.SECONDS).succeeded());
        assertEquals(List.of(1, 2, 3), progress.stream().map(JobProgress::step).toList());
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void theCodecCarriesEveryFieldAcrossTheWire() throws Exception {
        b.vertx().eventBus().<TesseraPayload>consumer("test.echo", m -> m.reply(m.body()))
                .completion().await(10, TimeUnit.SECONDS);
        TesseraPayload sent = TesseraPayload.of(new JsonObject().put("k", "v").putNull("nothing"),
                Blob.ofFloats("scalar", new float[] {3.5f}), Blob.ofBytes("empty", "text/plain", new byte[0]),
                new Blob("mel", "application/octet-stream", "float32", new long[] {2, 0, 3}, new byte[0]));
        TesseraPayload back = a.vertx().eventBus().<TesseraPayload>request("test.echo", sent)
                .await(20, TimeUnit.SECONDS).body();
        assertEquals(sent, back);
        assertNotSame(sent, back);
        assertEquals(3.5f, back.requireBlob("scalar").toFloats()[0]);
        assertArrayEquals(new long[] {2, 0, 3}, back.requireBlob("mel").shape());
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void theRegistryOnNodeAListsTheProbeOnNodeB() throws Exception {
        List<ModelStatus> models = new ModelRegistry(a.vertx()).list().await(10, TimeUnit.SECONDS);
        ModelStatus probe = models.stream().filter(s -> s.name().equals(ProbeVerticle.NAME)).findFirst()
                .orElseThrow(() -> new AssertionError("no probe in " + models));
        assertEquals(b.nodeId(), probe.node());
        assertEquals(ModelState.READY, probe.state());
        assertEquals(Addresses.PROBE_INFER, probe.address());
        assertEquals(1, probe.lanes());
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aCancelPublishedOnNodeAStopsAJobRunningOnNodeB() throws Exception {
        String id = jobId();
        Promise<JobProgress> first = Promise.promise();
        ModelClient.follow(a.vertx().eventBus(), id, first::tryComplete, e -> { })
                .completion().await(10, TimeUnit.SECONDS);
        Future<Message<TesseraPayload>> reply = send(a.vertx().eventBus(), id, slow(200, 10, 22), 20_000);
        first.future().await(10, TimeUnit.SECONDS);
        ModelClient.cancel(a.vertx().eventBus(), id, "from node A");
        JobFailure failure = awaitFailure(reply);
        assertEquals(FailureCode.CANCELLED, failure.code());
        assertTrue(failure.getMessage().contains("from node A"), failure.getMessage());
    }
}
