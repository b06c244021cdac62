package dev.tessera.web.cli;

import dev.tessera.audio.resample.SincResampler;
import dev.tessera.audio.serve.MelVocoder;
import dev.tessera.audio.serve.StepListener;
import dev.tessera.audio.serve.VocodeLimits;
import dev.tessera.audio.serve.VocodeSettings;
import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.engine.Engines;
import dev.tessera.distill.serve.TurboStudents;
import dev.tessera.distill.turbo.TurboExport;
import dev.tessera.web.api.Npy;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera vocode IN OUT}: vocodes a file in this process, with the same checks, settings and code
 * ({@link MelVocoder}) as {@code POST /api/v1/vocode}. Unlike the API it resamples a WAV that is not at
 * 22,050 Hz (and says so), since a file on disk is the user's own.
 */
@Command(name = "vocode",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Vocode a file: a WAV (re-analysed to mel) or an .npy log-mel in, a WAV out.",
        description = {
            "Turns IN into a mel spectrogram (a WAV is resampled to 22,050 Hz and analysed; an .npy must hold an "
                    + "80-bin natural-log mel, float32, shape (80, frames) or (1, 80, frames)) and synthesises it "
                    + "again with the vocoder installed under --models (or the Griffin-Lim baseline), writing a "
                    + "mono 22,050 Hz WAV of frames x 256 samples to OUT. At most 120 s of audio.",
            "Runs in this process with a progress bar over the ODE steps; no server is needed."},
        footer = {"", "Examples:",
            "  tessera vocode speech.wav resynth.wav",
            "  tessera vocode speech.wav fast.wav --steps 4 --sampler euler",
            "  tessera vocode mel.npy out.wav --format f32 --seed 7",
            "  tessera vocode speech.wav baseline.wav --model griffin-lim",
            "  tessera vocode speech.wav fast.wav --model vocoder-turbo --steps 2"})
final class VocodeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "Input: a .wav file, or an .npy log-mel.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output WAV file (its folder is created).")
    Path out;

    @Option(names = "--steps", paramLabel = "N",
            description = "ODE steps, 1-64 (more: slower, closer to the model's best). Default: 16; for vocoder-turbo "
                    + "4, and 4, 2 or 1 pick the student.")
    Integer steps;

    @Option(names = "--model", defaultValue = "vocoder", paramLabel = "NAME",
            description = "vocoder (the flow-matching model), vocoder-turbo (its few-step students, DIR/vocoder-turbo/"
                    + "steps-N) or griffin-lim (the baseline, 32 iterations). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
            description = "Folder with the installed models; the checkpoint is read from DIR/vocoder. "
                    + "Default: ${DEFAULT-VALUE}.")
    Path models;

    @Option(names = "--checkpoint", paramLabel = "NAME",
            description = "Checkpoint in DIR/vocoder to use, without .safetensors. Default: periodwave-tiny, or the "
                    + "only one there.")
    String checkpoint;

    @Option(names = "--sampler", paramLabel = "S",
            description = "ODE solver: midpoint (2 network evaluations per step) or euler (1). Default: midpoint; "
                    + "vocoder-turbo takes euler only.")
    String sampler;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the starting noise: the same seed gives the same audio. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--format", defaultValue = "s16", paramLabel = "F",
            description = "Output samples: s16 (16-bit PCM) or f32 (32-bit float). Default: ${DEFAULT-VALUE}.")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VocodeSettings settings;
        try {
            JsonObject params = new JsonObject().put("model", model).put("seed", seed);
            if (steps != null) {
                params.put("steps", steps);
            }
            if (sampler != null) {
                params.put("sampler", sampler);
            }
            settings = VocodeSettings.fromParams(params);
        } catch (JobFailure f) {
            throw new ParameterException(spec.commandLine(), "--" + f.details().getJsonObject("fields").fieldNames()
                    .iterator().next() + ": " + f.getMessage());
        }
        WavEncoding encoding = switch (format) {
            case "s16" -> WavEncoding.PCM_16;
            case "f32" -> WavEncoding.FLOAT_32;
            default -> throw new ParameterException(spec.commandLine(), "--format must be s16 or f32, got '" + format + "'");
        };
        if (!Files.isRegularFile(in)) {
            throw new NoSuchFileException(in.toString(), null, "no such file");
        }
        boolean turbo = settings.model().equals(VocodeSettings.VOCODER_TURBO);
        Path modelDir = turbo ? TurboExport.studentDir(models.resolve(TurboExport.MODEL), settings.steps())
                : models.resolve("vocoder");
        if (turbo && !Files.isDirectory(modelDir)) {
            throw new ParameterException(spec.commandLine(), "--steps: " + TurboExport.MODEL + " has students for steps "
                    + TurboStudents.installed(models.resolve(TurboExport.MODEL)) + " under " + models + "; got "
                    + settings.steps());
        }
        String name = checkpoint != null ? checkpoint : MelVocoder.checkpointName(modelDir);
        PrintWriter err = spec.commandLine().getErr();
        boolean npy = in.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        float[] mel = null;
        float[] pcm = null;
        int frames;
        if (npy) {
            Npy.Array a = Npy.read(Files.readAllBytes(in));
            long[] s = a.shape();
            if (!((s.length == 2 || (s.length == 3 && s[0] == 1)) && s[s.length - 2] == VocodeLimits.N_MELS
                    && s[s.length - 1] >= 1 && s[s.length - 1] <= VocodeLimits.MAX_FRAMES)) {
                throw new IllegalArgumentException(in + ": expected a log-mel of shape (80, frames) or (1, 80, frames)"
                        + " with 1.." + VocodeLimits.MAX_FRAMES + " frames, got " + Npy.shapeString(s));
            }
            mel = a.values();
            frames = (int) s[s.length - 1];
        } else {
            WavAudio audio = new WavReader(VocodeLimits.MAX_SECONDS).read(in);
            audio.warnings().forEach(w -> err.println("note: " + w));
            pcm = audio.samples();
            if (audio.sampleRate() != VocodeLimits.SAMPLE_RATE) {
                err.printf("note: resampled %s from %d Hz to %d Hz%n", in, audio.sampleRate(), VocodeLimits.SAMPLE_RATE);
                pcm = SincResampler.toModelRate(pcm, audio.sampleRate());
            }
            if (pcm.length < VocodeLimits.HOP) {
                throw new IllegalArgumentException(in + " holds " + pcm.length + " samples at 22,050 Hz; at least "
                        + VocodeLimits.HOP + " (one frame) are needed");
            }
            frames = pcm.length / VocodeLimits.HOP;
        }
        Engines.start();
        long t0 = System.nanoTime();
        float[] audio;
        try (MelVocoder vocoder = MelVocoder.load(modelDir, name)) {
            float[] logMel = mel != null ? mel : vocoder.analyse(pcm);
            if (settings.model().equals(VocodeSettings.GRIFFIN_LIM)) {
                audio = vocoder.griffinLim(logMel, frames, settings.seed());
            } else {
                try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("vocode")
                        .setInitialMax(settings.steps()).setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1)
                        .setUpdateIntervalMillis(250).build()) {
                    StepListener listener = bar == null ? StepListener.NONE : (step, total) -> bar.stepTo(step);
                    audio = vocoder.vocode(List.of(new MelVocoder.Item(logMel, frames, settings.seed(), 0)),
                            settings.flowSampler(), settings.steps(), settings.temperature(), listener).get(0);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(out, WavWriter.write(audio, VocodeLimits.SAMPLE_RATE, encoding));
        double audioSeconds = audio.length / (double) VocodeLimits.SAMPLE_RATE;
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s: %.2f s of audio (%d samples at %d Hz, %s) by %s in %.1f s (RTF %.2f)%n", out,
                audioSeconds, audio.length, VocodeLimits.SAMPLE_RATE, format,
                settings.model().equals(VocodeSettings.GRIFFIN_LIM) ? "griffin-lim (32 iterations)"
                        : name + " (" + settings.steps() + " " + settings.sampler() + (settings.steps() == 1 ? " step" : " steps")
                                + ", seed " + seed + ")",
                seconds, seconds / audioSeconds);
        o.flush();
        return 0;
    }
}
