package dev.tessera.audio.serve;

import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.metrics.VocoderScores;
import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.VocoderEvalMain;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.eval.EvalOptions;
import dev.tessera.core.eval.EvalSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tessera eval vocoder}: the protocol of {@link VocoderEvalMain} (audio spec 6.1-6.3) over a range of
 * step counts in one run. Every held-out utterance is analysed to a log-mel once, vocoded at 1, 2, 4, 8
 * and 16 steps and by Griffin-Lim (32 iterations) from that same mel, and each output is scored against
 * the original: M-STFT, log-mel L1, F0 RMSE, V/UV F1, periodicity error, and the real-time factor.
 *
 * <p>Settings ({@code --param}): {@code split} (test), {@code clips} (20; {@code --quick}: 4), {@code steps}
 * (1,2,4,8,16; {@code --quick}: 1,4), {@code sampler} (midpoint), {@code seed} (1), {@code checkpoint}
 * (the served one). Data: {@code --data} (data/speech; {@code --data data/music} scores the music corpus of
 * {@code scripts/fetch-data music}, whose manifests have the same format); model: {@code <models>/vocoder}.
 */
public final class VocoderEvalSuite implements EvalSuite {

    public static final Path DEFAULT_DATA = Path.of("data/speech");

    @Override
    public String name() {
        return "vocoder";
    }

    @Override
    public String description() {
        return "vocoder at 1-16 steps next to Griffin-Lim on held-out speech (or music: --data data/music): M-STFT, "
                + "mel L1, F0, V/UV, periodicity, RTF";
    }

    @Override
    public BenchReport run(EvalOptions options) throws Exception {
        String split = options.param("split", "test");
        int clips = options.intParam("clips", options.quick() ? 4 : 20);
        List<Integer> stepCounts = stepCounts(options.param("steps", options.quick() ? "1,4" : "1,2,4,8,16"));
        String samplerName = options.param("sampler", "midpoint");
        if (!VocodeSettings.SAMPLERS.contains(samplerName)) {
            throw new IllegalArgumentException("--param sampler must be one of " + VocodeSettings.SAMPLERS + ", got '"
                    + samplerName + "'");
        }
        long seed = options.intParam("seed", 1);
        if (clips < 1) {
            throw new IllegalArgumentException("--param clips must be >= 1, got " + clips);
        }
        Path data = options.data() != null ? options.data() : DEFAULT_DATA;
        Path modelDir = options.models().resolve(VocoderVerticle.NAME);
        String checkpoint = options.params().containsKey("checkpoint") ? options.param("checkpoint", null)
                : MelVocoder.checkpointName(modelDir);
        SpeechCorpus corpus = SpeechCorpus.load(data, split, clips);
        Engines.start();
        Map<Integer, VocoderScores> vocoder = new LinkedHashMap<>();
        stepCounts.forEach(s -> vocoder.put(s, new VocoderScores()));
        VocoderScores griffinLim = new VocoderScores();
        double audioSeconds = 0;
        FlowSampler sampler = new VocodeSettings(VocodeSettings.VOCODER, 1, samplerName, seed, false).flowSampler();
        try (MelVocoder v = MelVocoder.load(modelDir, checkpoint)) {
            for (SpeechCorpus.Utterance u : corpus.utterances()) {
                float[] x = u.samples();
                int frames = x.length / v.hop();
                if (frames < 1) {
                    continue;
                }
                float[] reference = Arrays.copyOf(x, frames * v.hop());
                float[] mel = v.analyse(x);
                for (int steps : stepCounts) {
                    long t0 = System.nanoTime();
                    float[] out = v.vocode(List.of(new MelVocoder.Item(mel, frames, seed, 0)), sampler, steps,
                            StepListener.NONE).get(0);
                    vocoder.get(steps).add(reference, out, (System.nanoTime() - t0) / 1e9);
                }
                long t0 = System.nanoTime();
                float[] gl = v.griffinLim(mel, frames, seed);
                griffinLim.add(reference, gl, (System.nanoTime() - t0) / 1e9);
                audioSeconds += reference.length / (double) VocodeLimits.SAMPLE_RATE;
            }
        }
        BenchReport report = new BenchReport(name(), List.of("system", "steps", "nfe", "mstft", "mel_l1",
                "f0_rmse_cents", "vuv_f1", "periodicity_error", "rtf", "clips"));
        for (Map.Entry<Integer, VocoderScores> e : vocoder.entrySet()) {
            row(report, checkpoint + " (" + sampler.name() + ")", e.getKey(), sampler.evaluations(e.getKey()),
                    e.getValue(), audioSeconds);
        }
        row(report, "griffin-lim (32 iterations)", null, null, griffinLim, audioSeconds);
        report.note(String.format(Locale.ROOT, "%d %s utterances of %s, %.1f s of audio; checkpoint %s; tau %.3f, seed %d",
                corpus.size(), split, data, audioSeconds, modelDir.resolve(checkpoint), VocodeSettings.TEMPERATURE, seed));
        report.note("lower is better for every score but vuv_f1; rtf = compute seconds / audio seconds on this machine");
        report.note("f0_rmse_cents averages the clips with frames voiced in both signals; '-' when there were none");
        return report;
    }

    private static void row(BenchReport report, String system, Integer steps, Integer nfe, VocoderScores s,
                            double seconds) {
        report.row(system, steps, nfe, s.mstft(), s.melL1(), s.f0RmseCents(), s.vuvF1(), s.periodicityError(),
                s.rtf(seconds), s.clips());
    }

    static List<Integer> stepCounts(String list) {
        List<Integer> out = new ArrayList<>();
        for (String part : list.split(",")) {
            int s;
            try {
                s = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--param steps must be comma-separated whole numbers, got '" + list + "'");
            }
            if (s < 1 || s > VocodeSettings.MAX_STEPS) {
                throw new IllegalArgumentException("--param steps must lie in 1.." + VocodeSettings.MAX_STEPS + ", got " + s);
            }
            out.add(s);
        }
        return out;
    }
}
