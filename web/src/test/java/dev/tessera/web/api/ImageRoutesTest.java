package dev.tessera.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/images} on a loopback server with the tiny random image models. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageRoutesTest {

    @TempDir
    static Path models;

    static TesseraServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        TinyImageModels.write(models, 11, false);
        server = TesseraServer.start(ServerOptions.local(0, models)).await(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().await(60, TimeUnit.SECONDS);
    }

    static HttpResponse<byte[]> post(String json, String accept) throws Exception {
        return post(json.getBytes(StandardCharsets.UTF_8), "application/json", accept);
    }

    static HttpResponse<byte[]> post(byte[] body, String contentType, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + ImageRoutes.PATH))
                .timeout(Duration.ofSeconds(100)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonObject error(HttpResponse<byte[]> r, int status, String code) {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), text);
        JsonObject body = new JsonObject(text);
        assertEquals(code, body.getString("code"), text);
        assertNotNull(body.getString("requestId"));
        return body;
    }

    static BufferedImage png(byte[] bytes) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(image, "a PNG");
        return image;
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void oneImageAsPngAndTwoAsAZipAgreeImageForImage() throws Exception {
        String params = "\"params\": {\"class\": \"circle\", \"temperature\": 1.0, \"topK\": 16}, \"seed\": 42";
        HttpResponse<byte[]> one = post("{" + params + ", \"n\": 1, \"format\": \"png\"}", "image/png");
        assertEquals(200, one.statusCode(), new String(one.body(), StandardCharsets.UTF_8));
        assertEquals("image/png", one.headers().firstValue("Content-Type").orElse(null));
        assertEquals("42", one.headers().firstValue(ImageRoutes.HEADER_SEED).orElse(null));
        assertTrue(one.headers().firstValue(VocodeRoutes.HEADER_JOB_ID).isPresent());
        BufferedImage image = png(one.body());
        assertEquals(32, image.getWidth());
        assertEquals(32, image.getHeight());

        HttpResponse<byte[]> two = post("{" + params + ", \"n\": 2}", "image/png");
        assertEquals(200, two.statusCode());
        assertEquals("application/zip", two.headers().firstValue("Content-Type").orElse(null));
        Map<String, byte[]> entries = unzip(two.body()); // n > 1: a zip even when PNG is asked for
        assertEquals(java.util.List.of("image-42-0.png", "image-42-1.png", "result.json"),
                java.util.List.copyOf(entries.keySet()));
        JsonObject result = new JsonObject(new String(entries.get("result.json"), StandardCharsets.UTF_8));
        assertEquals(2, result.getInteger("count"));
        assertEquals(42L, result.getLong("seed"));
        assertEquals("circle", result.getString("className"));
        assertEquals(2, result.getJsonArray("tokens").size());
        assertEquals(64, result.getJsonArray("tokens").getJsonArray(0).size(), "8x8 tokens per image");
        // image i of seed s is always the same: image 0 of the zip is the single PNG, pixel for pixel
        BufferedImage first = png(entries.get("image-42-0.png"));
        int differing = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                differing += first.getRGB(x, y) == image.getRGB(x, y) ? 0 : 1;
            }
        }
        assertEquals(0, differing, "pixels that differ between the PNG and zip entry 0");
    }

    @Test
    void badRequestsNameTheirFieldAndTheServerKeepsServing() throws Exception {
        JsonObject nTooLarge = error(post("{\"n\": 9}", null), 400, "bad_input");
        assertTrue(nTooLarge.getJsonObject("details").getJsonObject("fields").getString("n").contains("1..8"));
        error(post("{\"n\": 0}", null), 400, "bad_input");
        error(post("{\"n\": 1.5}", null), 400, "bad_input");

        JsonObject unknownClass = error(post("{\"params\": {\"class\": \"dragon\"}}", null), 400, "bad_input");
        String why = unknownClass.getJsonObject("details").getJsonObject("fields").getString("class");
        for (String name : TinyImageModels.CLASS_NAMES) {
            assertTrue(why.contains(name), "the valid classes are listed: " + why);
        }
        JsonObject temperature = error(post("{\"params\": {\"temperature\": -1}}", null), 400, "bad_input");
        assertTrue(temperature.getJsonObject("details").getJsonObject("fields").containsKey("temperature"));
        JsonObject typo = error(post("{\"params\": {\"top_k\": 5}}", null), 400, "bad_input");
        assertTrue(typo.getString("message").contains("top_k"));
        error(post("{\"params\": {\"count\": 2}}", null), 400, "bad_input");
        error(post("{\"m\": 1}", null), 400, "bad_input");
        error(post("{\"format\": \"jpeg\"}", null), 400, "bad_input");
        error(post("{\"seed\": \"x\"}", null), 400, "bad_input");
        error(post("{\"timeoutMs\": 0}", null), 400, "bad_input");
        error(post("[1, 2]", null), 400, "bad_input");
        JsonObject notJson = error(post("{\"n\": ", null), 400, "bad_input");
        assertTrue(notJson.getJsonObject("details").getJsonObject("fields").containsKey("body"));
        JsonObject unknownModel = error(post("{\"model\": \"dall-e\"}", null), 404, "not_found");
        assertTrue(unknownModel.getString("message").contains("image-ar"));
        error(post(new byte[] {1, 2, 3}, "application/octet-stream", null), 415, "unsupported_media_type");
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        error(post(big, "application/json", null), 413, "too_large");

        HttpResponse<byte[]> ok = post("{\"params\": {\"class\": 2}, \"seed\": 7}", "image/png");
        assertEquals(200, ok.statusCode(), "still serving");
        assertEquals(32, png(ok.body()).getWidth());
    }

    @Test
    void acceptHeaderChoosesPngOnlyWhenItNamesIt() {
        assertTrue(ImageRoutes.acceptsPng("image/png"));
        assertTrue(ImageRoutes.acceptsPng("text/html, image/*;q=0.8"));
        assertTrue(!ImageRoutes.acceptsPng("image/png;q=0"));
        assertTrue(!ImageRoutes.acceptsPng("*/*"));
        assertTrue(!ImageRoutes.acceptsPng(null));
        assertTrue(!ImageRoutes.acceptsPng("application/zip"));
    }
}
