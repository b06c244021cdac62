package dev.tessera.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.serving.TrainingSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera serve} with a tokenizer under {@code models/tokenizers/}: deployed, ready, answering. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TokenizerServingTest {

    @TempDir
    Path models;

    @Test
    void aTokenizerFolderIsServedAndReportsReady() throws Exception {
        List<String> docs;
        try (Stream<Path> walk = Files.walk(Path.of("../core/src/main/java"))) {
            docs = walk.filter(p -> p.toString().endsWith(".java")).sorted().limit(30).map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        TrainingSpec.of("bpe", 500).trainText(docs, TrainerProgress.NONE)
                .write(Files.createDirectories(models.resolve("tokenizers")).resolve("code.json"));

        TesseraServer server = TesseraServer.start(ServerOptions.local(0, models)).await(60, TimeUnit.SECONDS);
        Vertx clientVertx = Vertx.vertx();
        try {
            assertTrue(server.models().contains("tokenizers"), server.models().toString());
            JsonObject ready = WebClient.create(clientVertx).get(server.port(), "127.0.0.1", "/ready").send()
                    .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
            assertEquals("READY", ready.getString("status"), ready.encodePrettily());
            for (String name : List.of("tokenizers", "tokenizers-decode", "tokenizers-train")) {
                assertEquals("ready", ready.getJsonObject("models").getJsonObject(name).getString("state"), name);
            }
            TesseraPayload reply = ModelClient.request(server.node().vertx().eventBus(), Addresses.TOKENIZERS_ENCODE,
                    UUID.randomUUID().toString(), TesseraPayload.of(new JsonObject().put("text", "int x = 1;")), 10_000,
                    null).await(10, TimeUnit.SECONDS).body();
            assertEquals("code", reply.params().getString("tokenizer"));
            assertTrue(reply.params().getInteger("count") > 0);
        } finally {
            clientVertx.close().await(10, TimeUnit.SECONDS);
            server.stop().await(30, TimeUnit.SECONDS);
        }
    }
}
