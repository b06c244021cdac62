package dev.tessera.distill.turbo;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.HarmonicTone;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny teachers and harmonic tones for the distill tests (audio-gen's test helpers are not on this class path). */
final class TurboFixtures {

    static final int RATE = 22_050;

    private TurboFixtures() {
    }

    /** A narrow PeriodWave with every part of the tiny build. */
    static VocoderConfig tinyConfig(Integer... periods) {
        JsonObject j = new JsonObject()
                .put("channels", new JsonArray(List.of(4, 8, 8, 16)))
                .put("encoderChannels", 16).put("encoderBlocks", 2).put("encoderInner", 32)
                .put("timeEmbedding", 16).put("periodEmbedding", 8).put("mlpHidden", 32).put("condition", 16)
                .put("energyMin", 0.03).put("energyMax", 5.0);
        if (periods.length > 0) {
            j.put("periods", new JsonArray(List.of((Object[]) periods)));
        }
        return VocoderConfig.fromJson(j);
    }

    static PeriodWave teacher(VocoderConfig config, NDManager manager, long seed) {
        Engines.start();
        Seeds.seedAll(seed);
        return new PeriodWave(config).initialize(manager);
    }

    /** f0 with harmonics 1..6 at amplitude 1/h, a 5 Hz vibrato and a short attack and release. */
    static float[] tone(double f0, int samples) {
        return HarmonicTone.withVibrato(f0, samples, RATE);
    }

    /** Tones with pitches drawn from 110-330 Hz. */
    static SpeechCorpus tones(int count, int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SpeechCorpus.Utterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double f0 = 110 + 220 * r.nextDouble();
            out.add(SpeechCorpus.utterance("tone" + i, "tone", i, f0 + " Hz", tone(f0, samples)));
        }
        return SpeechCorpus.of("tones", out);
    }
}
