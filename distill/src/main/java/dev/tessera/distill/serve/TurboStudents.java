package dev.tessera.distill.serve;

import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.serve.StepListener;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.distill.turbo.TurboConfig;
import dev.tessera.distill.turbo.TurboExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The installed PeriodWave-Turbo students, {@code <models>/vocoder-turbo/steps-N/periodwave-turbo.*}, each a
 * {@link MelVocoder} run as an N-step Euler sampler at τ = 1 (what it was trained as). Plain Java: the
 * verticle, the CLI and the tests call it.
 */
public final class TurboStudents implements AutoCloseable {

    private final Map<Integer, MelVocoder> students = new LinkedHashMap<>();

    private TurboStudents() {
    }

    /** Steps of the students under {@code modelDir} (e.g. {@code models/vocoder-turbo}), in 4, 2, 1 order. */
    public static List<Integer> installed(Path modelDir) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int steps : TurboConfig.STEP_CHOICES) {
            if (MelVocoder.checkpoints(TurboExport.studentDir(modelDir, steps)).contains(TurboExport.NAME)) {
                out.add(steps);
            }
        }
        return out;
    }

    /** Loads every installed student; the instance owns their weights until {@link #close()}. */
    public static TurboStudents load(Path modelDir) throws IOException {
        TurboStudents s = new TurboStudents();
        try {
            for (int steps : installed(modelDir)) {
                s.students.put(steps, MelVocoder.load(TurboExport.studentDir(modelDir, steps), TurboExport.NAME));
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        if (s.students.isEmpty()) {
            throw new IOException("no vocoder-turbo student under " + modelDir + " (expected steps-4, steps-2 or steps-1"
                    + " with " + TurboExport.NAME + ".safetensors); train one with tessera train vocoder-turbo --steps 4"
                    + " --export " + modelDir);
        }
        return s;
    }

    public List<Integer> steps() {
        return List.copyOf(students.keySet());
    }

    /**
     * The N-step student.
     *
     * @throws JobFailure {@code bad_input} on field {@code steps}, listing the installed ones
     */
    public MelVocoder student(int steps) {
        MelVocoder v = students.get(steps);
        if (v == null) {
            throw JobFailure.badInput("steps", TurboExport.MODEL + " has students for steps " + steps()
                    + "; got steps " + steps);
        }
        return v;
    }

    /**
     * Vocodes a batch with the student of {@code settings.steps()}, with the settings' solver and τ (for
     * {@code vocoder-turbo}: Euler on the student's grid, τ = 1, as it was trained; the streamed path reads
     * the same settings).
     */
    public List<float[]> vocode(List<MelVocoder.Item> items, VocodeSettings settings, StepListener listener) {
        if (!settings.model().equals(VocodeSettings.VOCODER_TURBO)) {
            throw new IllegalArgumentException("settings for " + settings.model() + ", not " + VocodeSettings.VOCODER_TURBO);
        }
        return student(settings.steps()).vocode(items, settings.flowSampler(), settings.steps(), settings.temperature(),
                listener);
    }

    /** Vocodes a batch with the N-step student at the settings a {@code vocoder-turbo} request gets. */
    public List<float[]> vocode(List<MelVocoder.Item> items, int steps, StepListener listener) {
        return vocode(items, new VocodeSettings(VocodeSettings.VOCODER_TURBO, steps, "euler", VocodeSettings.DEFAULT_SEED,
                false), listener);
    }

    /** Runs every student's self-test (a broken checkpoint fails at load, not in a request). */
    public void selfTest() {
        students.values().forEach(MelVocoder::selfTest);
    }

    @Override
    public void close() {
        students.values().forEach(MelVocoder::close);
    }
}
