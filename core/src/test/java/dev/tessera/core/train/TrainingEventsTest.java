package dev.tessera.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TrainingEventsTest {

    @Test
    @Timeout(60)
    void aTrainingRunIsFollowedOnTheBusLikeAnyJob(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Codecs.registerAll(vertx);
            String jobId = "6a0f4f5e-8c1e-4a43-9a5e-2b7f3c1d9e01";
            List<JobProgress> progress = new CopyOnWriteArrayList<>();
            List<TrainingProgress> training = new CopyOnWriteArrayList<>();
            CountDownLatch ended = new CountDownLatch(1);
            JobEnded[] end = new JobEnded[1];
            ModelClient.follow(vertx.eventBus(), jobId, p -> progress.add(p), e -> {
                end[0] = e;
                ended.countDown();
            }).completion().await(5, TimeUnit.SECONDS);
            vertx.eventBus().<dev.tessera.core.bus.TesseraPayload>consumer(dev.tessera.core.bus.Addresses.progress(jobId),
                    m -> {
                        TrainingProgress t = TrainingEvents.trainingOf(m.body());
                        if (t != null) {
                            training.add(t);
                        }
                    }).completion().await(5, TimeUnit.SECONDS);

            TrainConfig config = TrainConfig.DEFAULTS.with(new JsonObject().put("steps", 30).put("learningRate", 1e-2)
                    .put("warmupSteps", 3).put("checkpointEvery", 0).put("validateEvery", 0).put("logEvery", 10));
            try (LinearMapTask task = new LinearMapTask(3);
                 Trainer trainer = new Trainer(config, task, dir).addListener(new TrainingEvents(vertx.eventBus(), jobId))) {
                trainer.fit();
            }
            assertTrue(ended.await(10, TimeUnit.SECONDS), "the end event arrives");
            assertTrue(end[0].succeeded(), end[0].toString());
            assertEquals(30, progress.size());
            assertEquals(30, training.size());
            for (int i = 0; i < 30; i++) {
                assertEquals(i + 1, progress.get(i).step(), "events in step order");
                assertEquals(30, progress.get(i).total());
                assertEquals("train", progress.get(i).stage());
                assertEquals((i + 1) / 30.0, progress.get(i).overall(), 1e-12);
                assertEquals(i + 1, training.get(i).step());
                assertTrue(Double.isFinite(training.get(i).loss()) && training.get(i).loss() > 0);
            }
            double firstFive = training.subList(0, 5).stream().mapToDouble(TrainingProgress::loss).average().orElseThrow();
            double lastFive = training.subList(25, 30).stream().mapToDouble(TrainingProgress::loss).average().orElseThrow();
            assertTrue(lastFive < firstFive, "the published losses fall: " + firstFive + " -> " + lastFive);
            assertNotNull(training.get(29).metrics());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
