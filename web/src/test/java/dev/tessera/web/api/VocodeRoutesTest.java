package dev.tessera.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bus.Addresses;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/vocode} on a loopback server with an untrained tiny checkpoint (and a 2-step Turbo student):
 * WAV and .npy in, WAV out with the job headers, every refusal with its status, streaming, and cancel on
 * disconnect.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VocodeRoutesTest {

    private static final String WAV = "audio/wav";
    private static final String NPY = "application/x-npy";

    @TempDir
    static Path models;

    static TesseraServer server;
    static Vertx clientVertx;
    static WebClient client;

    @BeforeAll
    static void start() throws Exception {
        TinyVocoderModel.write(models, 51);
        // Stream windows of 16 frames whose context covers the whole test input: streamed output must then
        // equal the whole-file output, which tests the HTTP plumbing exactly (StreamingVocoderTest measures
        // the default windows).
        Files.writeString(models.resolve("vocoder/serving.json"), "{\"streamChunkFrames\": 16, \"streamContextFrames\": 64}");
        // The 2-step Turbo student, streamed the same way.
        TinyVocoderModel.writeStudent(models, 2, 52);
        Files.writeString(models.resolve("vocoder-turbo/serving.json"),
                "{\"streamChunkFrames\": 16, \"streamContextFrames\": 64}");
        server = TesseraServer.start(ServerOptions.local(0, models)).await(120, TimeUnit.SECONDS);
        clientVertx = Vertx.vertx();
        client = WebClient.create(clientVertx);
    }

    @AfterAll
    static void stop() throws Exception {
        clientVertx.close().await(10, TimeUnit.SECONDS);
        server.stop().await(60, TimeUnit.SECONDS);
    }

    static HttpResponse<Buffer> post(String query, String contentType, byte[] body) throws Exception {
        var request = client.post(server.port(), "127.0.0.1", VocodeRoutes.PATH + query);
        if (contentType != null) {
            request.putHeader("Content-Type", contentType);
        }
        return request.sendBuffer(Buffer.buffer(body)).await(120, TimeUnit.SECONDS);
    }

    static byte[] wav(float[] samples, int rate) {
        return WavWriter.write(samples, rate, WavEncoding.PCM_16);
    }

    static void assertError(HttpResponse<Buffer> r, int status, String code, String text) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        JsonObject body = r.bodyAsJsonObject();
        assertEquals(code, body.getString("code"), body.encode());
        assertTrue(body.getString("message").contains(text), body.encode());
        assertNotNull(body.getString("requestId"));
    }

    /** A short vocoding succeeds: the server is still serving. */
    static void assertStillServing() throws Exception {
        HttpResponse<Buffer> ok = post("?steps=1", NPY, TinyVocoderModel.npy(TinyVocoderModel.mel(4, 1), 80, 4));
        assertEquals(200, ok.statusCode(), ok.bodyAsString());
    }

    @Test
    void aWavComesBackAsAWavOfWholeFramesWithTheJobHeaders() throws Exception {
        // 3,000 samples: 11 whole frames, 2,816 samples.
        HttpResponse<Buffer> r = post("?steps=2&sampler=euler", WAV, wav(TinyVocoderModel.tone(220, 3000, 22_050), 22_050));
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals("audio/wav", r.getHeader("Content-Type"));
        assertTrue(r.getHeader(VocodeRoutes.HEADER_JOB_ID).matches("[0-9a-f-]{36}"), r.headers().toString());
        assertTrue(Long.parseLong(r.getHeader(VocodeRoutes.HEADER_QUEUE_MS)) >= 0);
        assertTrue(Long.parseLong(r.getHeader(VocodeRoutes.HEADER_COMPUTE_MS)) >= 0);
        WavAudio out = new WavReader().read(r.body().getBytes());
        assertEquals(22_050, out.sampleRate());
        assertEquals(WavEncoding.PCM_16, out.encoding());
        assertEquals(11 * 256, out.frames());

        HttpResponse<Buffer> gl = post("?model=griffin-lim&format=f32", WAV, wav(TinyVocoderModel.tone(220, 3000, 22_050), 22_050));
        assertEquals(200, gl.statusCode(), gl.bodyAsString());
        WavAudio glOut = new WavReader().read(gl.body().getBytes());
        assertEquals(WavEncoding.FLOAT_32, glOut.encoding());
        assertEquals(11 * 256, glOut.frames());
    }

    @Test
    void anNpyMelOfEitherShapeIsVocodedToFramesTimes256Samples() throws Exception {
        float[] mel = TinyVocoderModel.mel(20, 2);
        HttpResponse<Buffer> two = post("?steps=1&format=f32&seed=5", NPY, TinyVocoderModel.npy(mel, 80, 20));
        assertEquals(200, two.statusCode(), two.bodyAsString());
        float[] a = new WavReader().read(two.body().getBytes()).samples();
        assertEquals(20 * 256, a.length);
        HttpResponse<Buffer> three = post("?steps=1&format=f32&seed=5", NPY + "; charset=binary",
                TinyVocoderModel.npy(mel, 1, 80, 20));
        assertEquals(200, three.statusCode(), three.bodyAsString());
        assertArrayEquals(a, new WavReader().read(three.body().getBytes()).samples(), 0f, "same mel, same seed, same audio");
    }

    @Test
    void refusalsCarryTheirStatusAndTheServerKeepsServing() throws Exception {
        // 415: not a type the route reads.
        assertError(post("", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type",
                "audio/wav");
        assertError(post("", null, new byte[10]), 415, "unsupported_media_type", "no Content-Type");
        assertStillServing();

        // 400: a 16 kHz WAV names the rate the model needs.
        assertError(post("", WAV, wav(TinyVocoderModel.tone(220, 16_000, 16_000), 16_000)), 400, "bad_input",
                "expected 22050 Hz audio, got 16000 Hz");
        assertError(post("", WAV, "RIFF1234WAVEnope".getBytes(StandardCharsets.US_ASCII)), 400, "bad_input", "WAV");
        assertStillServing();

        // 400: malformed or wrongly shaped .npy.
        assertError(post("", NPY, "{'descr': '<f4'}".getBytes(StandardCharsets.US_ASCII)), 400, "bad_input",
                "not a .npy file");
        assertError(post("", NPY, TinyVocoderModel.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (80, 4 }",
                new float[320])), 400, "bad_input", "malformed .npy header");
        assertError(post("", NPY, TinyVocoderModel.npy(new float[64 * 4], 64, 4)), 400, "bad_input",
                "expected a log-mel of shape (80, frames)");
        float[] nan = TinyVocoderModel.mel(4, 3);
        nan[5] = Float.NaN;
        HttpResponse<Buffer> notFinite = post("", NPY, TinyVocoderModel.npy(nan, 80, 4));
        assertError(notFinite, 400, "bad_input", "NaN at bin 1, frame 1");
        assertNotNull(notFinite.bodyAsJsonObject().getJsonObject("details").getJsonObject("fields").getString("mel"));
        assertStillServing();

        // 400: bad query values name the field.
        HttpResponse<Buffer> steps = post("?steps=65", NPY, TinyVocoderModel.npy(TinyVocoderModel.mel(4, 1), 80, 4));
        assertError(steps, 400, "bad_input", "steps must be a whole number in 1..64");
        assertTrue(steps.bodyAsJsonObject().getJsonObject("details").getJsonObject("fields").containsKey("steps"));
        assertError(post("?steps=x", NPY, new byte[0]), 400, "bad_input", "steps must be a whole number");
        assertError(post("?format=mp3", NPY, new byte[0]), 400, "bad_input", "format must be s16");
        assertError(post("?model=hifigan", NPY, new byte[0]), 400, "bad_input", "model must be one of");
        assertError(post("?step=4", NPY, new byte[0]), 400, "bad_input", "unknown query parameter 'step'");
        assertStillServing();

        // 413: a body over 32 MiB, a WAV over 120 s, a mel over 120 s.
        assertError(post("", WAV, new byte[(32 << 20) + 1]), 413, "too_large", "over the limit");
        assertError(post("", WAV, wav(new float[121 * 22_050], 22_050)), 413, "too_large", "120 s");
        int frames = 121 * 22_050 / 256;
        assertError(post("", NPY, TinyVocoderModel.npy(new float[80 * frames], 80, frames)), 413, "too_large",
                "at most 10335 frames");
        assertStillServing();
    }

    @Test
    void aStreamedWavHasUnknownSizesAndTheSamplesOfTheWholeFile() throws Exception {
        byte[] body = TinyVocoderModel.npy(TinyVocoderModel.mel(40, 4), 80, 40);   // 3 windows of 16 frames
        HttpResponse<Buffer> whole = post("?steps=1&format=f32", NPY, body);
        HttpResponse<Buffer> streamed = post("?steps=1&format=f32&stream=true", NPY, body);
        assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
        assertEquals("chunked", streamed.getHeader("Transfer-Encoding"));
        assertNotNull(streamed.getHeader(VocodeRoutes.HEADER_JOB_ID));
        assertNotNull(streamed.trailers().get(VocodeRoutes.HEADER_COMPUTE_MS), "compute time comes as a trailer");
        byte[] bytes = streamed.body().getBytes();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xFFFFFFFF, b.getInt(4), "RIFF size");
        assertEquals(0xFFFFFFFF, b.getInt(WavWriter.FLOAT_HEADER_BYTES - 4), "data size");
        assertEquals(WavWriter.FLOAT_HEADER_BYTES + 40 * 256 * 4, bytes.length);
        float[] expected = new WavReader().read(whole.body().getBytes()).samples();
        float[] got = new WavReader().read(bytes).samples();
        assertEquals(expected.length, got.length);
        assertArrayEquals(expected, got, 1e-5f);

        HttpResponse<Buffer> s16 = post("?steps=1&stream=true", WAV, wav(TinyVocoderModel.tone(150, 5000, 22_050), 22_050));
        assertEquals(200, s16.statusCode());
        assertEquals(5000 / 256 * 256, new WavReader().read(s16.body().getBytes()).frames());
    }

    @Test
    void aTurboStudentStreamsTheSamplesOfItsWholeFile() throws Exception {
        byte[] body = TinyVocoderModel.npy(TinyVocoderModel.mel(40, 8), 80, 40);   // 3 windows of 16 frames
        HttpResponse<Buffer> whole = post("?model=vocoder-turbo&steps=2&format=f32", NPY, body);
        HttpResponse<Buffer> streamed = post("?model=vocoder-turbo&steps=2&format=f32&stream=true", NPY, body);
        assertEquals(200, whole.statusCode(), whole.bodyAsString());
        assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
        assertEquals("chunked", streamed.getHeader("Transfer-Encoding"));
        assertNotNull(streamed.trailers().get(VocodeRoutes.HEADER_COMPUTE_MS), "compute time comes as a trailer");
        byte[] bytes = streamed.body().getBytes();
        assertEquals(0xFFFFFFFF, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4), "RIFF size");
        assertEquals(WavWriter.FLOAT_HEADER_BYTES + 40 * 256 * 4, bytes.length);
        float[] expected = new WavReader().read(whole.body().getBytes()).samples();
        float[] got = new WavReader().read(bytes).samples();
        assertEquals(40 * 256, got.length);
        assertArrayEquals(expected, got, 1e-5f);
    }

    @Test
    void aClientThatHangsUpCancelsItsRunningJob() throws Exception {
        Vertx serverVertx = server.node().vertx();
        Promise<JsonObject> cancel = Promise.promise();
        serverVertx.eventBus().<JsonObject>consumer(Addresses.JOBS_CANCEL, m -> cancel.tryComplete(m.body()))
                .completion().await(10, TimeUnit.SECONDS);
        Counter cancelled = server.node().registry().find("tessera.requests")
                .tags("model", "vocoder", "outcome", "cancelled").counter();
        double before = cancelled == null ? 0 : cancelled.count();
        byte[] body = TinyVocoderModel.npy(TinyVocoderModel.mel(400, 6), 80, 400);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + VocodeRoutes.PATH + "?steps=64 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + NPY
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Gauge inflight = server.node().registry().find("tessera.inflight").tag("model", "vocoder").gauge();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inflight.value() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, inflight.value(), 0, "the job is running");
        }
        JsonObject message = cancel.future().await(30, TimeUnit.SECONDS);
        assertEquals("disconnect", message.getString("reason"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Counter c = server.node().registry().find("tessera.requests")
                    .tags("model", "vocoder", "outcome", "cancelled").counter();
            if (c != null && c.count() > before) {
                break;
            }
            Thread.sleep(50);
        }
        Counter after = server.node().registry().find("tessera.requests")
                .tags("model", "vocoder", "outcome", "cancelled").counter();
        assertNotNull(after, "the model answered the job as cancelled");
        assertEquals(before + 1, after.count(), 0);
        assertStillServing();
    }

    @Test
    void aDeadlineThatPassesInTheQueueIs408AndThatJobNeverStarts() throws Exception {
        // A long job holds the only lane; a second one with a 300 ms deadline waits behind it and expires.
        var registry = server.node().registry();
        Gauge inflight = registry.find("tessera.inflight").tag("model", "vocoder").gauge();
        Counter items = registry.find("tessera.inference.items").tag("model", "vocoder").counter();
        byte[] body = TinyVocoderModel.npy(TinyVocoderModel.mel(400, 7), 80, 400);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + VocodeRoutes.PATH + "?steps=64 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + NPY
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inflight.value() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, inflight.value(), 0, "the long job is running");
            double itemsBefore = items.count();
            var request = client.post(server.port(), "127.0.0.1", VocodeRoutes.PATH + "?steps=1")
                    .putHeader("Content-Type", NPY).putHeader(VocodeRoutes.HEADER_TIMEOUT_MS, "300");
            long t0 = System.nanoTime();
            HttpResponse<Buffer> expired = request.sendBuffer(Buffer.buffer(TinyVocoderModel.npy(
                    TinyVocoderModel.mel(4, 1), 80, 4))).await(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertError(expired, 408, "deadline_exceeded", "timeout 300 ms");
            assertEquals("queued", expired.bodyAsJsonObject().getJsonObject("details").getString("phase"));
            assertTrue(ms >= 250 && ms < 20_000, "answered when the deadline passed, not when the lane freed: " + ms);
            assertEquals(1, inflight.value(), 0, "the long job is still the only one running");
            assertEquals(itemsBefore, items.count(), 0, "the expired job never reached the model's forward pass");
        }
        // Hanging up cancelled the long job; the server serves on.
        assertStillServing();
    }
}
