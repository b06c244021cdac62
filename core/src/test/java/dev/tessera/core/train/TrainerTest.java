package dev.tessera.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tessera.core.checkpoint.Checkpoint;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static final long INIT_SEED = 11;

    /** Small, fast settings: every feature on (warm-up, cosine, clipping, decay, EMA, validation). */
    private static TrainConfig config(long steps) {
        return TrainConfig.DEFAULTS.with(new JsonObject().put("steps", steps).put("learningRate", 1e-2)
                .put("warmupSteps", Math.min(10, steps)).put("minLearningRate", 1e-3).put("weightDecay", 0.01)
                .put("clipGradNorm", 1.0).put("emaDecay", 0.9).put("checkpointEvery", 7).put("keepCheckpoints", 2)
                .put("validateEvery", 25).put("logEvery", 10).put("seed", 5));
    }

    /** Records every progress event. */
    private static final class Recorder implements TrainingListener {
        final List<TrainingProgress> events = new ArrayList<>();
        final List<Long> checkpoints = new ArrayList<>();
        TrainingResult end;

        @Override
        public void onProgress(TrainingProgress p) {
            events.add(p);
        }

        @Override
        public void onCheckpoint(long step, Path file) {
            checkpoints.add(step);
        }

        @Override
        public void onEnd(TrainingResult result) {
            end = result;
        }
    }

    @Test
    void lossFallsTenfoldOnASmallRegression(@TempDir Path dir) {
        Recorder recorder = new Recorder();
        try (LinearMapTask task = new LinearMapTask(INIT_SEED);
             Trainer trainer = new Trainer(config(150), task, dir).addListener(recorder)) {
            int arraysBefore = task.manager().getManagedArrays().size();
            TrainingResult result = trainer.fit();
            // Gradients, aliases and temporaries of 150 steps did not pile up in the block's manager.
            assertEquals(arraysBefore, task.manager().getManagedArrays().size());
            assertTrue(result.finished());
            assertFalse(result.cancelled());
            double first = recorder.events.get(0).loss();
            double last = recorder.events.subList(140, 150).stream().mapToDouble(TrainingProgress::loss).average()
                    .orElseThrow();
            assertTrue(last < first / 10, "first loss " + first + ", mean of the last ten " + last);
            // Validation ran at steps 25, 50, ... and at the end; its mse fell too.
            double firstVal = recorder.events.get(24).metrics().get("val.mse");
            double lastVal = result.validation().get("val.mse");
            assertTrue(lastVal < firstVal / 5, "val.mse " + firstVal + " -> " + lastVal);
            assertFalse(recorder.events.get(25).metrics().containsKey("val.mse"));
            assertTrue(recorder.events.get(0).metrics().containsKey("mse"));
            // Progress is complete and consistent.
            assertEquals(150, recorder.events.size());
            TrainingProgress end = recorder.events.get(149);
            assertEquals(150, end.step());
            // The last update (index 149) uses the rate one step before the cosine reaches its minimum.
            assertEquals(WarmupCosineSchedule.of(config(150)).rate(149), end.learningRate(), 0);
            assertEquals(1e-3, end.learningRate(), 1e-5);
            assertEquals(0.0, end.etaSeconds());
            assertTrue(end.stepsPerSecond() > 0);
            assertEquals(end, TrainingProgress.fromJson(new JsonObject(end.toJson().encode())));
            assertEquals(result, recorder.end);
            // Gradients were zeroed after the last update (DJL's collector does not do it).
            try (NDManager m = NDManager.newBaseManager()) {
                for (NDArray g : trainer.parameters().gradients(m)) {
                    assertEquals(0f, g.abs().max().getFloat());
                }
            }
        }
    }

    @Test
    void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        long n = 20;
        Map<String, float[]> straight;
        Map<String, float[]> straightEma;
        try (LinearMapTask task = new LinearMapTask(INIT_SEED);
             Trainer trainer = new Trainer(config(2 * n), task, dir.resolve("straight"))) {
            trainer.fit();
            straight = floats(trainer.parameters().copies(NDManager.newBaseManager()));
            straightEma = floats(trainer.ema().weights());
        }
        Path run = dir.resolve("stopped");
        try (LinearMapTask task = new LinearMapTask(INIT_SEED);
             Trainer trainer = new Trainer(config(2 * n), task, run)) {
            trainer.addListener(p -> {
                if (p.step() == n) {
                    trainer.cancel();
                }
            });
            TrainingResult stopped = trainer.fit();
            assertTrue(stopped.cancelled());
            assertEquals(n, stopped.step());
            // Step 20 is not a multiple of checkpointEvery = 7: the cancel wrote it.
            assertEquals(run.resolve("step-000020.safetensors"), stopped.checkpoint());
        }
        // A new process, as after a crash: other initial weights, and on another thread (where libtorch's
        // grad mode is on), which must not matter.
        CompletableFuture<Map<String, Map<String, float[]>>> resumed = CompletableFuture.supplyAsync(() -> {
            try (LinearMapTask task = new LinearMapTask(INIT_SEED + 1);
                 Trainer trainer = new Trainer(config(2 * n), task, run)) {
                assertTrue(trainer.resumeLatest());
                assertEquals(n, trainer.step());
                assertEquals(n, trainer.optimizer().updates());
                TrainingResult r = trainer.fit();
                assertEquals(2 * n, r.step());
                return Map.of("model", floats(trainer.parameters().copies(NDManager.newBaseManager())),
                        "ema", floats(trainer.ema().weights()));
            }
        });
        Map<String, Map<String, float[]>> after = resumed.get(60, TimeUnit.SECONDS);
        assertEquals(straight.keySet(), after.get("model").keySet());
        assertTrue(maxAbsDiff(straight, after.get("model")) < 1e-6,
                "weights differ by " + maxAbsDiff(straight, after.get("model")));
        assertTrue(maxAbsDiff(straightEma, after.get("ema")) < 1e-6,
                "EMA weights differ by " + maxAbsDiff(straightEma, after.get("ema")));
        // The weights moved, so equality is not trivial.
        try (LinearMapTask fresh = new LinearMapTask(INIT_SEED); NDManager m = NDManager.newBaseManager()) {
            assertTrue(maxAbsDiff(straight, floats(new TrainableParameters(fresh.block()).copies(m))) > 1e-2);
        }
    }

    @Test
    void checkpointsKeepTheNewestAndHoldEveryPart(@TempDir Path dir) throws Exception {
        Recorder recorder = new Recorder();
        try (LinearMapTask task = new LinearMapTask(INIT_SEED);
             Trainer trainer = new Trainer(config(30), task, dir).addListener(recorder)) {
            trainer.fit();
            assertEquals(List.of(7L, 14L, 21L, 28L, 30L), recorder.checkpoints);
            assertEquals(List.of(28L, 30L), trainer.checkpoints().steps());
            assertTrue(Files.exists(dir.resolve("step-000030.json")));
            assertFalse(Files.exists(dir.resolve("step-000021.json")));
            Checkpoint.Loaded loaded = trainer.checkpoints().load(30);
            assertEquals(30, loaded.config().getLong("step"));
            assertEquals(config(30), TrainConfig.fromJson(loaded.config().getJsonObject("train")));
            for (String name : List.of("01Linear_weight", "01Linear_bias", "04Linear_weight", "04Linear_bias")) {
                for (String prefix : List.of("model.", "ema.", "adamw.m.", "adamw.v.")) {
                    String key = prefix + name;
                    if (prefix.startsWith("adamw.")) {
                        key = "adamw." + prefix.substring(6) + name;
                    }
                    assertTrue(loaded.tensors().containsKey(key), "missing " + key + " in " + loaded.tensors().keySet());
                }
            }
            assertEquals(16, loaded.tensors().size());
            Path exported = trainer.exportWeights(dir.resolve("export"), "linear-map", new JsonObject().put("hidden", 32),
                    true);
            Checkpoint.Loaded weights = Checkpoint.load(dir.resolve("export"), "linear-map");
            assertTrue(Files.exists(exported));
            assertEquals(32, weights.config().getInteger("hidden"));
            assertEquals("ema", weights.metadata().get("tessera.weights"));
            assertEquals(4, weights.tensors().size());
        }
    }

    @Test
    void resumeRefusesACheckpointTrainedWithAnotherLearningRate(@TempDir Path dir) {
        try (LinearMapTask task = new LinearMapTask(INIT_SEED); Trainer trainer = new Trainer(config(7), task, dir)) {
            trainer.fit();
        }
        TrainConfig other = config(14).with(new JsonObject().put("learningRate", 5e-2));
        try (LinearMapTask task = new LinearMapTask(INIT_SEED); Trainer trainer = new Trainer(other, task, dir)) {
            TrainingException e = assertThrows(TrainingException.class, trainer::resumeLatest);
            assertEquals(TrainingException.Code.BAD_CHECKPOINT, e.code());
            assertTrue(e.getMessage().contains("learningRate 0.01 -> 0.05"), e.getMessage());
        }
    }

    @Test
    void secondConcurrentRunIsRefusedWhileTheFirstTrains(@TempDir Path dir) throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (LinearMapTask first = new LinearMapTask(INIT_SEED); LinearMapTask second = new LinearMapTask(INIT_SEED);
             Trainer running = new Trainer(config(3), new Blocking(first, inStep, release), dir.resolve("a"));
             Trainer refused = new Trainer(config(3), second, dir.resolve("b"))) {
            CompletableFuture<TrainingResult> background = CompletableFuture.supplyAsync(running::fit);
            assertTrue(inStep.await(30, TimeUnit.SECONDS));
            assertNotNull(TrainingSlot.holder());
            TrainingException e = assertThrows(TrainingException.class, refused::fit);
            assertEquals(TrainingException.Code.BUSY, e.code());
            assertTrue(e.getMessage().contains("cannot start training run 'LinearMapTask in " + dir.resolve("b")),
                    e.getMessage());
            assertTrue(e.getMessage().contains("run 'blocking in " + dir.resolve("a")), e.getMessage());
            assertTrue(e.getMessage().contains("only one GradientCollector per JVM"), e.getMessage());
            release.countDown();
            assertEquals(3, background.get(30, TimeUnit.SECONDS).step());
            // The slot is free again, and the refused run can now train.
            assertNull(TrainingSlot.holder());
            assertEquals(3, refused.fit().step());
        }
    }

    /** Waits inside its first step (gradient collector open) until released. */
    private record Blocking(LinearMapTask inner, CountDownLatch inStep, CountDownLatch release) implements TrainingTask {
        @Override
        public String name() {
            return "blocking";
        }

        @Override
        public Block block() {
            return inner.block();
        }

        @Override
        public StepLoss loss(NDManager manager, SplittableRandom random, long step) {
            inStep.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.loss(manager, random, step);
        }
    }

    @Test
    void nonFiniteLossStopsWithAnErrorNamingTheStep(@TempDir Path dir) {
        try (LinearMapTask inner = new LinearMapTask(INIT_SEED)) {
            TrainingTask poisoned = new TrainingTask() {
                @Override
                public Block block() {
                    return inner.block();
                }

                @Override
                public StepLoss loss(NDManager manager, SplittableRandom random, long step) {
                    NDArray loss = inner.loss(manager, random, step).total();
                    return StepLoss.of(step == 9 ? loss.mul(Float.NaN) : loss);
                }
            };
            try (Trainer trainer = new Trainer(config(20), poisoned, dir)) {
                TrainingException e = assertThrows(TrainingException.class, trainer::fit);
                assertEquals(TrainingException.Code.DIVERGED, e.code());
                assertTrue(e.getMessage().startsWith("training diverged at step 9: the loss is NaN"), e.getMessage());
                assertTrue(e.getMessage().contains("the last checkpoint is step-000007.safetensors (step 7)"),
                        e.getMessage());
                assertEquals(9, trainer.step());
            }
            assertNull(TrainingSlot.holder());
            // The block is usable again: stale gradients were cleared, a new run trains to the end.
            try (Trainer again = new Trainer(config(5), inner, dir.resolve("again"))) {
                TrainingResult r = again.fit();
                assertEquals(5, r.step());
                assertTrue(Double.isFinite(r.lastLoss()));
            }
        }
    }

    @Test
    void withoutATerminalProgressIsLoggedEveryNStepsAndAtTheEnd(@TempDir Path dir) {
        List<String> lines = new ArrayList<>();
        try (LinearMapTask task = new LinearMapTask(INIT_SEED); Trainer trainer = new Trainer(config(12), task, dir)) {
            trainer.addListener(new TerminalProgress("linear", 5, false, lines::add));
            trainer.fit();
        }
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("linear: step 5/12 loss \\d+\\.\\d{4} lr 4\\.00e-03 \\|g\\| \\d+\\.\\d{3} "
                + "\\d+\\.\\d steps/s ETA \\d+s mse \\S+"), lines.get(0));
        assertTrue(lines.get(1).startsWith("linear: step 10/12 "), lines.get(1));
        assertTrue(lines.get(2).startsWith("linear: step 12/12 "), lines.get(2));
        assertTrue(lines.get(3).matches("linear: done at step 12/12, loss \\d+\\.\\d{4}, \\d+s of training, "
                + "checkpoint .*step-000012\\.safetensors"), lines.get(3));
    }

    private static Map<String, float[]> floats(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double max = 0;
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            float[] x = e.getValue();
            float[] y = b.get(e.getKey());
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
