package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDManager;
import dev.tessera.audio.data.HarmonicTone;
import dev.tessera.audio.data.SpeechCorpus;
import dev.tessera.core.engine.Engines;
import dev.tessera.core.engine.Seeds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small vocoders and generated audio for fast tests. */
final class TinyVocoders {

    private TinyVocoders() {
    }

    /** A narrow build with every part of the tiny one (all five periods unless given). */
    static VocoderConfig config(Integer... periods) {
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

    static PeriodWave model(VocoderConfig config, NDManager manager, long seed) {
        Engines.start();
        Seeds.seedAll(seed);
        return new PeriodWave(config).initialize(manager);
    }

    /** A harmonic tone: f0 with harmonics 1..6 at amplitude 1/h, a slow vibrato and an attack/decay envelope. */
    static float[] tone(double f0, int samples, int sampleRate) {
        return HarmonicTone.withVibrato(f0, samples, sampleRate);
    }

    /** Tones with pitches drawn from 90-330 Hz, 1 s each. */
    static SpeechCorpus tones(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SpeechCorpus.Utterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double f0 = 90 + 240 * r.nextDouble();
            out.add(SpeechCorpus.utterance("tone" + i, "tone", i, f0 + " Hz", tone(f0, 22_050, 22_050)));
        }
        return SpeechCorpus.of("tones", out);
    }
}
