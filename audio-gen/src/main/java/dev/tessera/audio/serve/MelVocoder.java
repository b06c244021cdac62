package dev.tessera.audio.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.audio.griffinlim.GriffinLim;
import dev.tessera.audio.mel.MelConfig;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.vocoder.CounterNoise;
import dev.tessera.audio.vocoder.EncodedMel;
import dev.tessera.audio.vocoder.FlowMatching;
import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.FreeU;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VelocityField;
import dev.tessera.audio.vocoder.Vocoder;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.audio.vocoder.VocoderExport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A served vocoder: a {@link PeriodWave} loaded from {@code models/vocoder/}, the log-mel analysis that
 * turns PCM into its input, and the Griffin-Lim baseline on the same mel. Plain Java, no Vert.x: the
 * verticle, the CLI and the tests all call it. Every call makes its tensors in a sub-manager closed
 * before it returns; results are Java arrays.
 *
 * <p>{@link #vocode} is {@link Vocoder#vocode} with the two things a server needs: a seed per item, so
 * requests batched together keep their own noise, and noise keyed from an absolute sample offset, so a
 * window of a stream draws the same noise as the whole utterance (audio spec 2.5, 6.5). One item at
 * offset 0 gives exactly what {@code Vocoder.vocode} gives ({@code MelVocoderTest}).
 */
public final class MelVocoder implements AutoCloseable {

    /** One utterance (or window) to vocode. */
    public record Item(float[] logMel, int frames, long seed, long startSample) {

        /**
         * @param logMel (nMels, frames) row-major natural-log mel
         * @param frames mel frames; the item's audio has frames * hop samples
         * @param seed key of its noise
         * @param startSample absolute index of its first sample in the utterance (0 unless a window)
         */
        public Item {
            if (frames < 1 || logMel.length % frames != 0) {
                throw new IllegalArgumentException("a (nMels, " + frames + ") mel cannot have " + logMel.length
                        + " values");
            }
            if (startSample < 0) {
                throw new IllegalArgumentException("startSample must be >= 0, got " + startSample);
            }
        }
    }

    private static final float LOG_FLOOR = (float) Math.log(1e-5);

    /** Owns the loaded weights (none for {@link #of}) and is the parent of every call's scratch manager. */
    private final NDManager manager;
    private final PeriodWave model;
    private final String name;
    private final FlowMatching flow;
    private final MelSpectrogram mel = MelSpectrogram.hifiGan();
    private final GriffinLim griffinLim = new GriffinLim(mel);

    private MelVocoder(NDManager manager, PeriodWave model, String name) {
        this.manager = manager;
        this.model = model;
        this.name = name;
        this.flow = new FlowMatching(model.config());
        VocoderConfig c = model.config();
        MelConfig m = mel.config();
        if (c.sampleRate() != m.sampleRate() || c.hop() != m.hop() || c.nMels() != m.nMels()) {
            throw new IllegalArgumentException("vocoder " + name + " expects " + c.sampleRate() + " Hz, hop " + c.hop()
                    + ", " + c.nMels() + " mels; the front end makes " + m.sampleRate() + " Hz, hop " + m.hop() + ", "
                    + m.nMels() + " mels");
        }
    }

    /**
     * Loads checkpoint {@code dir/name} (as {@link VocoderExport} writes it); {@code name} null picks
     * {@link #checkpointName}. The instance owns the weights until {@link #close()}.
     */
    public static MelVocoder load(Path dir, String name) throws IOException {
        String chosen = name != null ? name : checkpointName(dir);
        NDManager manager = NDManager.newBaseManager();
        try {
            return new MelVocoder(manager, PeriodWave.load(dir, chosen, manager), chosen);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Wraps a model whose weights the caller owns (tests); {@link #close()} frees only this instance's scratch manager. */
    public static MelVocoder of(PeriodWave model, String name) {
        return new MelVocoder(NDManager.newBaseManager(), model, name);
    }

    /**
     * The checkpoint to serve from {@code dir}: {@value VocoderExport#DEFAULT_NAME} when present, else the
     * only {@code *.safetensors} file.
     *
     * @throws NoSuchFileException when there is none, or several and none is the default (the message lists them)
     */
    public static String checkpointName(Path dir) throws IOException {
        List<String> names = checkpoints(dir);
        if (names.contains(VocoderExport.DEFAULT_NAME)) {
            return VocoderExport.DEFAULT_NAME;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new NoSuchFileException(dir.toString(), null, names.isEmpty()
                ? "no vocoder checkpoint (*.safetensors) in the folder; export one with VocoderExport or pass another --models folder"
                : "several vocoder checkpoints " + names + " and none is named " + VocoderExport.DEFAULT_NAME
                        + "; name one with the 'checkpoint' setting");
    }

    /** Names (without extension) of the {@code *.safetensors} files in {@code dir}, sorted; empty if none. */
    public static List<String> checkpoints(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                names.add(file.substring(0, file.length() - ".safetensors".length()));
            }
        }
        names.sort(null);
        return names;
    }

    public String name() {
        return name;
    }

    public VocoderConfig config() {
        return model.config();
    }

    public int hop() {
        return model.config().hop();
    }

    public int nMels() {
        return model.config().nMels();
    }

    /** Mono PCM at the model's rate → (nMels, floor(samples / hop)) row-major log-mel. */
    public float[] analyse(float[] pcm) {
        if (pcm.length < hop()) {
            throw new IllegalArgumentException("need at least " + hop() + " samples (one frame), got " + pcm.length);
        }
        try (NDManager scope = manager.newSubManager()) {
            return mel.logMel(scope.create(pcm, new Shape(1, pcm.length))).toFloatArray();  // (1, nMels, frames)
        }
    }

    /**
     * Vocodes a batch: every item with the same solver and steps, each with its own seed and offset.
     *
     * @return each item's waveform, frames * hop samples
     */
    public List<float[]> vocode(List<Item> items, FlowSampler sampler, int steps, StepListener listener) {
        return vocode(items, sampler, steps, VocodeSettings.TEMPERATURE, listener);
    }

    /**
     * As {@link #vocode(List, FlowSampler, int, StepListener)} with the starting noise scaled by
     * {@code temperature} (tau; 1 for the Turbo students, which were trained at 1).
     */
    public List<float[]> vocode(List<Item> items, FlowSampler sampler, int steps, double temperature,
                                StepListener listener) {
        int batch = items.size();
        int nMels = nMels();
        int hop = hop();
        int[] frames = new int[batch];
        int maxFrames = 0;
        for (int b = 0; b < batch; b++) {
            Item item = items.get(b);
            if (item.logMel().length != nMels * item.frames()) {
                throw new IllegalArgumentException("item " + b + ": expected " + nMels + " mel bins");
            }
            frames[b] = item.frames();
            maxFrames = Math.max(maxFrames, item.frames());
        }
        // (B, nMels, F): each item's frames, then ln(1e-5) (silence) up to the longest.
        float[] packed = new float[batch * nMels * maxFrames];
        Arrays.fill(packed, LOG_FLOOR);
        for (int b = 0; b < batch; b++) {
            Item item = items.get(b);
            for (int bin = 0; bin < nMels; bin++) {
                System.arraycopy(item.logMel(), bin * item.frames(), packed, (b * nMels + bin) * maxFrames, item.frames());
            }
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray logMel = scope.create(packed, new Shape(batch, nMels, maxFrames));
            EncodedMel encoded = model.encode(logMel, frames, null);
            int samples = encoded.samples();
            float[] eps = new float[batch * samples];                                               // (B, T)
            for (int b = 0; b < batch; b++) {
                Item item = items.get(b);
                System.arraycopy(CounterNoise.gaussian(item.seed(), item.startSample(), item.frames() * hop), 0, eps,
                        b * samples, item.frames() * hop);
            }
            NDArray z = flow.prior(scope.create(eps, new Shape(batch, samples)), encoded.sigma(), temperature);
            VelocityField field = (x, t) -> model.velocity(x, x.getManager().full(new Shape(batch), t), encoded,
                    FreeU.OFF, null);
            float[] audio = new ObservedSampler(sampler, listener).run(field, z, steps).toFloatArray();
            List<float[]> out = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                out.add(Arrays.copyOfRange(audio, b * samples, b * samples + frames[b] * hop));
            }
            return out;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The Griffin-Lim baseline (audio spec 5: 32 iterations, momentum 0.99) on a (nMels, frames) log-mel. */
    public float[] griffinLim(float[] logMel, int frames, long seed) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray m = scope.create(logMel, new Shape(1, nMels(), frames));
            return griffinLim.vocode(m, seed).toFloatArray();
        }
    }

    /**
     * Runs every op once on a short silent input: a missing op or a broken checkpoint fails here, at load,
     * not in a request (serving spec 5).
     */
    public void selfTest() {
        int frames = 4;
        float[] silence = new float[nMels() * frames];
        Arrays.fill(silence, LOG_FLOOR);
        float[] audio = vocode(List.of(new Item(silence, frames, 0, 0)), VocodeSettings.DEFAULT.flowSampler(), 1,
                StepListener.NONE).get(0);
        float[] gl = griffinLim(silence, frames, 0);
        float[] analysed = analyse(new float[frames * hop()]);
        if (audio.length != frames * hop() || gl.length != frames * hop() || analysed.length != nMels() * frames) {
            throw new IllegalStateException("vocoder self-test: expected " + frames * hop() + " samples and "
                    + nMels() * frames + " mel values, got " + audio.length + ", " + gl.length + ", " + analysed.length);
        }
        for (float v : audio) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("vocoder self-test produced " + v + " from silence; the checkpoint "
                        + name + " is broken");
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
