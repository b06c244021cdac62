package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.griffinlim.GriffinLim;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.metrics.VocoderScores;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.engine.Engines;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Scores a vocoder on held-out speech, or music with {@code --data data/music} (the same manifest format,
 * made by {@code scripts/fetch-data music}), next to the Griffin-Lim baseline (audio spec 6.1-6.3): every
 * utterance is analysed to a log-mel, vocoded, and compared with the original by M-STFT, log-mel L1, F0
 * RMSE, V/UV F1 and periodicity error; the means are printed as a table and written as JSON.
 * <pre>
 *   VocoderEvalMain [--model models/vocoder] [--name periodwave-tiny] [--data data/speech] [--split test]
 *                   [--clips 20] [--steps 16] [--sampler midpoint|euler] [--temperature 0.667] [--freeu]
 *                   [--seed 1] [--json FILE] [--wavs DIR]
 * </pre>
 */
public final class VocoderEvalMain {

    private VocoderEvalMain() {
    }

    public static void main(String[] argv) throws IOException {
        Path modelDir = Path.of("models/vocoder");
        String name = VocoderExport.DEFAULT_NAME;
        Path data = Path.of("data/speech");
        String split = "test";
        int clips = 20;
        int steps = 16;
        FlowSampler sampler = new MidpointSampler();
        double temperature = 0.667;
        FreeU freeU = FreeU.OFF;
        long seed = 1;
        Path json = null;
        Path wavs = null;
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (k.equals("--freeu")) {
                freeU = FreeU.TEACHER;
                continue;
            }
            String v = argv[++i];
            switch (k) {
                case "--model" -> modelDir = Path.of(v);
                case "--name" -> name = v;
                case "--data" -> data = Path.of(v);
                case "--split" -> split = v;
                case "--clips" -> clips = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--sampler" -> sampler = switch (v) {
                    case "euler" -> new EulerSampler();
                    case "midpoint" -> new MidpointSampler();
                    default -> throw new IllegalArgumentException("--sampler is euler or midpoint, got " + v);
                };
                case "--temperature" -> temperature = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--json" -> json = Path.of(v);
                case "--wavs" -> wavs = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + k + "; see the class comment of "
                        + VocoderEvalMain.class.getName());
            }
        }
        Engines.start();
        JniUtils.setGradMode(false);
        SpeechCorpus corpus = SpeechCorpus.load(data, split, clips);
        MelSpectrogram mel = MelSpectrogram.hifiGan();
        VocoderScores vocoder = new VocoderScores();
        VocoderScores griffinLim = new VocoderScores();
        double audioSeconds = 0;
        if (wavs != null) {
            Files.createDirectories(wavs);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave model = PeriodWave.load(modelDir, name, m);
            Vocoder voc = new Vocoder(model);
            Vocoder.Sampling sampling = new Vocoder.Sampling(sampler, steps, temperature, seed, freeU);
            for (SpeechCorpus.Utterance u : corpus.utterances()) {
                try (NDManager scope = m.newSubManager()) {
                    float[] x = u.samples();
                    int frames = x.length / model.config().hop();
                    float[] reference = Arrays.copyOf(x, frames * model.config().hop());
                    NDArray logMel = mel.logMel(scope.create(x, new Shape(1, x.length)));        // (1, 80, frames)
                    long t0 = System.nanoTime();
                    float[] out = voc.vocode(logMel, new int[] {frames}, sampling).toFloatArray();
                    long t1 = System.nanoTime();
                    float[] gl = GriffinLim.hifiGan().vocode(logMel, seed).toFloatArray();
                    long t2 = System.nanoTime();
                    gl = Arrays.copyOf(gl, reference.length);
                    vocoder.add(reference, out, (t1 - t0) / 1e9);
                    griffinLim.add(reference, gl, (t2 - t1) / 1e9);
                    audioSeconds += reference.length / (double) model.config().sampleRate();
                    if (wavs != null) {
                        Files.write(wavs.resolve(u.id() + ".ref.wav"), WavWriter.write(reference, 22_050, WavEncoding.PCM_16));
                        Files.write(wavs.resolve(u.id() + "." + name + ".wav"), WavWriter.write(out, 22_050, WavEncoding.PCM_16));
                        Files.write(wavs.resolve(u.id() + ".griffinlim.wav"), WavWriter.write(gl, 22_050, WavEncoding.PCM_16));
                    }
                }
            }
        }
        Map<String, JsonObject> rows = new LinkedHashMap<>();
        rows.put(name + " (" + sampler.name() + " " + steps + ", tau " + temperature + (freeU.off() ? "" : ", FreeU") + ")",
                vocoder.toJson(audioSeconds));
        rows.put("griffin-lim (32 iterations)", griffinLim.toJson(audioSeconds));
        System.out.printf(Locale.ROOT, "%d %s utterances, %.1f s of audio%n", corpus.size(), split, audioSeconds);
        System.out.printf(Locale.ROOT, "%-44s %8s %8s %10s %8s %8s %8s%n", "system", "M-STFT", "mel L1", "F0 cents",
                "V/UV F1", "period.", "RTF");
        rows.forEach((k, r) -> System.out.printf(Locale.ROOT, "%-44s %8.4f %8.4f %10.2f %8.4f %8.4f %8.3f%n", k,
                r.getDouble("mstft"), r.getDouble("mel_l1"), r.getDouble("f0_rmse_cents"), r.getDouble("vuv_f1"),
                r.getDouble("periodicity_error"), r.getDouble("rtf")));
        if (json != null) {
            JsonObject all = new JsonObject().put("split", split).put("utterances", corpus.size())
                    .put("audioSeconds", audioSeconds).put("systems", new JsonObject(new LinkedHashMap<>(rows)));
            Files.writeString(json, all.encodePrettily() + "\n");
        }
    }
}
