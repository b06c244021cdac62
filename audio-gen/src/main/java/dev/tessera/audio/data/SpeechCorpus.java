package dev.tessera.audio.data;

import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One split of the espeak-ng speech corpus that {@code scripts/data/speech.sh} renders: the manifest
 * {@code <dir>/<split>.tsv} (id, path, voice, pitch, rate, sentence, text) and its 22,050 Hz WAVs, held
 * in memory as 16-bit samples (about 2 bytes per sample: the 2,000 training utterances take ~200 MB).
 * The music corpus of {@code scripts/data/music.sh} (8 s clips rendered from MIDI; voice = the MIDI file,
 * sentence = the piece's index) uses the same manifest and is read by the same code.
 *
 * <p>Training clips are peak-normalised to 0.95, as in the reference (audio spec 1.1): every crop is
 * scaled by its utterance's 0.95 / peak.
 */
public final class SpeechCorpus implements CropSource {

    public static final int SAMPLE_RATE = 22_050;
    public static final double PEAK = 0.95;

    /**
     * One utterance.
     *
     * @param pcm the samples as 16-bit integers (x = pcm / 32768)
     * @param gain 0.95 / peak |x|, applied to every crop
     */
    public record Utterance(String id, String voice, int sentence, String text, short[] pcm, float gain) {

        public int length() {
            return pcm.length;
        }

        /** Samples [start, start + length) peak-normalised into {@code out} at {@code offset}; zeros past the end. */
        public void crop(int start, int length, float[] out, int offset) {
            float scale = gain / 32768f;
            int n = Math.max(0, Math.min(length, pcm.length - start));
            for (int i = 0; i < n; i++) {
                out[offset + i] = pcm[start + i] * scale;
            }
            Arrays.fill(out, offset + n, offset + length, 0f);
        }

        public float[] samples() {
            float[] out = new float[pcm.length];
            crop(0, pcm.length, out, 0);
            return out;
        }
    }

    private final String split;
    private final List<Utterance> utterances;

    private SpeechCorpus(String split, List<Utterance> utterances) {
        this.split = split;
        this.utterances = List.copyOf(utterances);
    }

    /**
     * Reads {@code <dir>/<split>.tsv} and its WAVs.
     *
     * @param limit read at most this many utterances (in manifest order); 0 = all
     * @throws NoSuchFileException naming the command that makes the corpus, when the manifest is missing
     */
    public static SpeechCorpus load(Path dir, String split, int limit) throws IOException {
        Path manifest = dir.resolve(split + ".tsv");
        if (!Files.isRegularFile(manifest)) {
            String set = corpusName(dir);
            throw new NoSuchFileException(manifest.toString(), null, "no " + set + " manifest; run scripts/fetch-data "
                    + set + " (or scripts/data/" + set + ".sh <repo root>)");
        }
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("id\tpath\tvoice")) {
            throw new IOException(manifest + ": expected a header 'id<TAB>path<TAB>voice...'");
        }
        WavReader reader = new WavReader();
        List<Utterance> out = new ArrayList<>();
        for (int i = 1; i < lines.size() && (limit <= 0 || out.size() < limit); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length < 7) {
                throw new IOException(manifest + " line " + (i + 1) + ": expected 7 tab-separated fields, got " + f.length);
            }
            WavAudio wav = reader.read(dir.resolve(f[1]));
            if (wav.sampleRate() != SAMPLE_RATE) {
                throw new IOException(f[1] + ": expected " + SAMPLE_RATE + " Hz, got " + wav.sampleRate()
                        + " Hz; re-render the corpus with scripts/data/" + corpusName(dir) + ".sh");
            }
            out.add(utterance(f[0], f[2], Integer.parseInt(f[5]), f[6], wav.samples()));
        }
        if (out.isEmpty()) {
            throw new IOException(manifest + " lists no utterances");
        }
        return new SpeechCorpus(split, out);
    }

    /** The data set whose script makes {@code dir}: "music" for a folder named music, else "speech". */
    private static String corpusName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name != null && name.toString().equals("music") ? "music" : "speech";
    }

    /** A corpus held in memory, e.g. generated tones in tests. */
    public static SpeechCorpus of(String split, List<Utterance> utterances) {
        if (utterances.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs at least one utterance");
        }
        return new SpeechCorpus(split, utterances);
    }

    /** An utterance from float samples in [-1, 1], quantised to 16 bits and given the 0.95 peak gain. */
    public static Utterance utterance(String id, String voice, int sentence, String text, float[] samples) {
        short[] pcm = new short[samples.length];
        float peak = 0;
        for (int j = 0; j < samples.length; j++) {
            pcm[j] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(samples[j] * 32768f)));
            peak = Math.max(peak, Math.abs(pcm[j] / 32768f));
        }
        return new Utterance(id, voice, sentence, text, pcm, peak > 0 ? (float) (PEAK / peak) : 1f);
    }

    public String split() {
        return split;
    }

    public int size() {
        return utterances.size();
    }

    public Utterance get(int i) {
        return utterances.get(i);
    }

    public List<Utterance> utterances() {
        return utterances;
    }

    public long totalSamples() {
        return utterances.stream().mapToLong(Utterance::length).sum();
    }

    public List<String> voices() {
        TreeSet<String> v = new TreeSet<>();
        utterances.forEach(u -> v.add(u.voice()));
        return List.copyOf(v);
    }

    /**
     * A batch of random crops, (batch x length) row-major: an utterance drawn uniformly, then a start
     * drawn uniformly among those that fit (crops of utterances shorter than {@code length} are
     * zero-padded at the end). Uses only {@code random}, so a batch is a function of its generator.
     */
    @Override
    public float[] randomCrops(SplittableRandom random, int batch, int length) {
        float[] out = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            Utterance u = utterances.get(random.nextInt(utterances.size()));
            int start = u.length() > length ? random.nextInt(u.length() - length + 1) : 0;
            u.crop(start, length, out, b * length);
        }
        return out;
    }
}
