package dev.tessera.audio.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import be.tarsos.dsp.ConstantQ;
import dev.tessera.audio.cqt.ConstantQTransform;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.vocoder.EncodedMel;
import dev.tessera.audio.vocoder.FreeU;
import dev.tessera.audio.vocoder.MacCounter;
import dev.tessera.audio.vocoder.MidpointSampler;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.Vocoder;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.audio.vocoder.VocoderExport;
import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.core.bench.EngineBench;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code tessera bench vocoder} (issue 3): the vocoder's real-time factor at batch 1 and 8 for 1, 2, 4, 8 and 16
 * midpoint steps, its MACs per audio second per network evaluation, and the rate it achieves as a fraction of
 * DJL's matmul ceiling measured in the same run; then the batched libtorch CQT against TarsosDSP's
 * {@code ConstantQ} on the same audio (frames per second, the ratio).
 *
 * <p>Speed does not depend on training, so the suite runs the installed model ({@code --param
 * models=DIR}, default {@code models}) or, when there is none, a randomly initialised model of the same
 * size, and says which. The input is the log-mel of a harmonic tone; RTF = compute seconds / audio seconds
 * (below 1 is faster than real time), for the whole batch.
 */
public final class VocoderBench implements BenchSuite {

    static final List<String> COLUMNS = List.of("case", "batch", "steps", "NFE", "audio s", "compute s", "RTF",
            "GFLOP/s", "of matmul ceiling", "reference", "ratio");
    private static final int SAMPLE_RATE = 22_050;

    @Override
    public String name() {
        return "vocoder";
    }

    @Override
    public String description() {
        return "vocoder RTF at batch 1/8 for 1-16 steps, GFLOP/s vs the matmul ceiling; libtorch CQT vs TarsosDSP";
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        Engines.start();
        boolean quick = options.quick();
        double seconds = Double.parseDouble(options.params().getOrDefault("seconds", quick ? "0.5" : "2"));
        int[] stepCounts = quick ? new int[] {1, 2} : new int[] {1, 2, 4, 8, 16};
        int[] batches = quick ? new int[] {1} : new int[] {1, 8};
        Path models = Path.of(options.params().getOrDefault("models", "models"));
        Path modelDir = models.resolve("vocoder");
        BenchReport report = new BenchReport(name(), COLUMNS);
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean installed = Files.exists(modelDir.resolve(VocoderExport.DEFAULT_NAME + ".safetensors"));
            PeriodWave model;
            if (installed) {
                model = PeriodWave.load(modelDir, VocoderExport.DEFAULT_NAME, manager);
            } else {
                Seeds.seedAll(1);
                model = new PeriodWave(VocoderConfig.TINY).initialize(manager);
            }
            double ceiling = EngineBench.matmulCeilingGflops(manager, 1024, 2, quick ? 3 : 7);
            int hop = model.config().hop();
            int frames = (int) Math.round(seconds * SAMPLE_RATE / hop);
            int samples = frames * hop;
            double audioSeconds = samples / (double) SAMPLE_RATE;
            double[] macs = macsPerSecond(model, manager, frames);                  // {per NFE, encoder}
            Vocoder vocoder = new Vocoder(model);
            MidpointSampler sampler = new MidpointSampler();
            for (int batch : batches) {
                NDArray mel = toneMel(manager, batch, samples);                       // (B, 80, frames)
                int[] lengths = new int[batch];
                java.util.Arrays.fill(lengths, frames);
                for (int steps : stepCounts) {
                    Vocoder.Sampling sampling = new Vocoder.Sampling(sampler, steps, 0.667, 1, FreeU.OFF);
                    vocoder.vocode(mel, lengths, sampling).close();                    // warm-up
                    int reps = quick || steps >= 8 ? 1 : 2;
                    double best = Double.MAX_VALUE;
                    for (int r = 0; r < reps; r++) {
                        long t0 = System.nanoTime();
                        vocoder.vocode(mel, lengths, sampling).close();
                        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    }
                    int nfe = sampler.evaluations(steps);
                    double flops = 2 * batch * audioSeconds * (macs[0] * nfe + macs[1]);
                    double gflops = flops / best / 1e9;
                    report.row("periodwave midpoint", batch, steps, nfe, batch * audioSeconds, best,
                            best / (batch * audioSeconds), gflops, gflops / ceiling, null, null);
                }
            }
            cqtRow(report, manager, quick);
            report.note(String.format(Locale.ROOT, "model: %s; %.2f GMAC per audio second per network evaluation, "
                            + "mel encoder %.2f GMAC per audio second once per utterance", installed
                            ? modelDir + " (" + VocoderExport.DEFAULT_NAME + ")"
                            : "none installed under " + models + ": a randomly initialised TINY model (same cost)",
                    macs[0] / 1e9, macs[1] / 1e9));
            report.note(String.format(Locale.ROOT, "matmul ceiling (DJL, 1024^3 float32, same run): %.1f GFLOP/s; "
                    + "intra-op threads %d", ceiling, JniUtils.getNumThreads()));
            report.note("RTF = compute seconds / audio seconds for the whole batch (best of 1-2 runs after a warm-up); "
                    + "input: log-mel of a harmonic tone, " + frames + " frames per item; targets (issue 3): 16-step "
                    + "midpoint RTF <= 0.3 and >= 40% of the matmul ceiling");
        }
        return report;
    }

    /** MACs per audio second: {one velocity evaluation, the mel encoder}, counted on {@code frames} frames. */
    private static double[] macsPerSecond(PeriodWave model, NDManager manager, int frames) {
        try (NDManager scope = manager.newSubManager()) {
            int samples = frames * model.config().hop();
            NDArray mel = toneMel(scope, 1, samples);
            MacCounter encoder = new MacCounter();
            EncodedMel encoded = model.encode(mel, new int[] {frames}, encoder);
            MacCounter nfe = new MacCounter();
            model.velocity(scope.zeros(new Shape(1, samples)), scope.full(new Shape(1), 0.5f), encoded, FreeU.OFF, nfe);
            double perSecond = SAMPLE_RATE / (double) samples;
            return new double[] {nfe.total() * perSecond, encoder.total() * perSecond};
        }
    }

    /** (B, 80, frames) log-mel of a 110-330 Hz harmonic tone (a different pitch per item). */
    private static NDArray toneMel(NDManager manager, int batch, int samples) {
        float[] audio = new float[batch * samples];
        for (int b = 0; b < batch; b++) {
            double f0 = 110 + 220.0 * b / Math.max(1, batch - 1);
            for (int n = 0; n < samples; n++) {
                double s = 0;
                for (int h = 1; h <= 6; h++) {
                    s += Math.sin(2 * Math.PI * h * f0 * n / SAMPLE_RATE) / h;
                }
                audio[b * samples + n] = (float) (0.3 * s);
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray mel = MelSpectrogram.hifiGan().logMel(scope.create(audio, new Shape(batch, samples)));
            // logMel gives frames = samples / hop + 1 (centred); keep samples / hop so frames * hop == samples.
            NDArray cut = mel.get(":, :, :" + samples / 256);
            cut.attach(manager);
            return cut;
        }
    }

    /**
     * The CQT of the MS-SB-CQT discriminator's middle scale (B = 24 bins per octave, hop 512, 9 octaves from
     * 32.7 Hz at 44.1 kHz) on 8 items of 2 s, batched in libtorch, against TarsosDSP's {@code ConstantQ} (one
     * 65,536-point FFT and a sparse kernel product per frame) on the same frames.
     */
    private static void cqtRow(BenchReport report, NDManager manager, boolean quick) {
        int binsPerOctave = 24;
        int hop = 512;
        int items = quick ? 2 : 8;
        int samples = ConstantQTransform.SAMPLE_RATE * 2;
        float[] audio = new float[items * samples];
        for (int i = 0; i < audio.length; i++) {
            int n = i % samples;
            audio[i] = (float) (0.25 * Math.sin(2 * Math.PI * (220 + 30 * (i / samples)) * n / ConstantQTransform.SAMPLE_RATE));
        }
        ConstantQTransform cqt = new ConstantQTransform(hop, binsPerOctave);
        long framesTotal = (long) items * cqt.frames(samples);
        double ours;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(audio, new Shape(items, samples));
            cqt.forward(x).close();                                                        // warm-up
            ours = EngineBench.medianSeconds(0, quick ? 1 : 3, () -> cqt.forward(x).close());
        }
        float maxFreq = (float) (ConstantQTransform.F_MIN * Math.pow(2, ConstantQTransform.OCTAVES - 1.0 / (2 * binsPerOctave)));
        ConstantQ tarsos = new ConstantQ(ConstantQTransform.SAMPLE_RATE, (float) ConstantQTransform.F_MIN, maxFreq,
                binsPerOctave);
        int fft = tarsos.getFFTlength();
        float[] frame = new float[fft];
        // TarsosDSP's cost per frame does not depend on the content: time a sample of frames, scale to all.
        int sampled = (int) Math.min(framesTotal, quick ? 8 : 64);
        long t0 = System.nanoTime();
        for (int f = 0; f < sampled; f++) {
            int start = (f * hop) % Math.max(1, samples - fft);
            for (int n = 0; n < fft; n++) {
                int k = start + n - fft / 2;
                frame[n] = k >= 0 && k < samples ? audio[k] : 0f;
            }
            tarsos.calculate(frame);
        }
        double tarsosPerFrame = (System.nanoTime() - t0) / 1e9 / sampled;
        double oursFps = framesTotal / ours;
        double theirsFps = 1 / tarsosPerFrame;
        report.row("CQT frames/s: libtorch batched", items, null, null, items * 2.0, ours, null, null, null,
                theirsFps, oursFps / theirsFps);
        report.note(String.format(Locale.ROOT, "CQT: %d bins, hop %d, %d frames; ours %.0f frames/s, TarsosDSP "
                + "ConstantQ %.0f frames/s (reference column; %d frames timed, FFT length %d); ratio = ours / TarsosDSP",
                ConstantQTransform.OCTAVES * binsPerOctave, hop, framesTotal, oursFps, theirsFps, sampled, fft));
    }
}
