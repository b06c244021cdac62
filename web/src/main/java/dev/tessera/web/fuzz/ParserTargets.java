package dev.tessera.web.fuzz;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.checkpoint.SafeTensors;
import dev.tessera.core.checkpoint.SafeTensorsFile;
import dev.tessera.core.checkpoint.TensorData;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.MidiFormatException;
import dev.tessera.web.api.ImageRoutes;
import dev.tessera.web.api.VocodeRoutes;
import dev.tessera.web.server.ApiException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/**
 * The parsers that read bytes a user sends, as fuzz targets (docs/protection.md): each runs one input
 * through the parser exactly as the server would, and lets only that parser's clear input error pass. Any
 * other exception, an {@code Error} (out of memory, stack overflow) or a hang is a finding.
 *
 * <p>Used by the JUnit fuzz tests ({@code web/src/test/.../fuzz}, short runs in {@code scripts/test}) and by
 * {@code tessera bench fuzz} ({@link FuzzBench}, longer runs through Jazzer's own driver,
 * {@link FuzzEntry}). Seeds are small valid inputs made here in code.
 */
public final class ParserTargets {

    /**
     * One parser: its name, what it runs on an input (true: accepted, false: refused with the parser's
     * clear input error; anything thrown is a finding), and seed inputs made in code.
     */
    public record Target(String name, String parser, Predicate<byte[]> run, List<byte[]> seeds) {
    }

    private ParserTargets() {
    }

    /** Every target, by name: wav, npy, images-json, midi, safetensors. */
    public static Map<String, Target> all() {
        Map<String, Target> all = new LinkedHashMap<>();
        for (Target t : List.of(wav(), npy(), imagesJson(), midi(), safetensors())) {
            all.put(t.name(), t);
        }
        return all;
    }

    /** The target named {@code name}, or an exception listing the names. */
    public static Target named(String name) {
        Target t = all().get(name);
        if (t == null) {
            throw new IllegalArgumentException("no fuzz target '" + name + "'; targets: " + all().keySet());
        }
        return t;
    }

    /** The body of {@code POST /api/v1/vocode} as {@code audio/wav}: WavReader, then the route's checks. */
    public static Target wav() {
        return new Target("wav", "WavReader via VocodeRoutes.fromWav", bytes -> {
            try {
                VocodeRoutes.Input in = VocodeRoutes.fromWav(bytes);
                requireSamples(in.blob().toFloats().length, in.samples());
                return true;
            } catch (ApiException e) {
                return requireClientError(e);
            }
        }, List.of(
                WavWriter.write(tone(2_205, 22_050), 22_050, WavEncoding.PCM_16),
                WavWriter.write(tone(512, 22_050), 22_050, WavEncoding.FLOAT_32),
                WavWriter.write(tone(300, 16_000), 16_000, WavEncoding.PCM_16)));
    }

    /** The body of {@code POST /api/v1/vocode} as {@code application/x-npy}: Npy.read, then the shape checks. */
    public static Target npy() {
        return new Target("npy", "Npy via VocodeRoutes.fromNpy", bytes -> {
            try {
                VocodeRoutes.Input in = VocodeRoutes.fromNpy(bytes);
                requireSamples(in.samples() / 256 * 80, in.blob().toFloats().length);
                return true;
            } catch (ApiException e) {
                return requireClientError(e);
            }
        }, List.of(npyBytes("(80, 4)", 80 * 4), npyBytes("(1, 80, 2)", 80 * 2), npyBytes("(3,)", 3)));
    }

    /** The JSON body of {@code POST /api/v1/images}: parse, field checks, seed. */
    public static Target imagesJson() {
        return new Target("images-json", "ImageRoutes.parseJson/call/seed", bytes -> {
            try {
                JsonObject json = ImageRoutes.parseJson(bytes);
                ImageRoutes.Call call = ImageRoutes.call(json, null);
                ImageRoutes.seed(json);
                if (call.n() < 1 || call.n() > ImageRoutes.MAX_N || call.timeoutMs() < 1) {
                    throw new IllegalStateException("accepted an out-of-range call " + call);
                }
                call.payload(null).params().encode();
                return true;
            } catch (ApiException e) {
                return requireClientError(e);
            }
        }, List.of(utf8("{\"model\":\"image-ar\",\"params\":{\"class\":\"circle\",\"temperature\":1.0,\"topK\":16},"
                        + "\"n\":2,\"seed\":42,\"format\":\"png\",\"timeoutMs\":5000}"),
                utf8("{\"params\":{\"class\":3,\"cfgScale\":[3,1.5]},\"n\":1}"), utf8("{}")));
    }

    /** A Standard MIDI File, as {@code tessera tokenizer encode} and the music tokenizers read it. */
    public static Target midi() {
        return new Target("midi", "MidiFiles.read", bytes -> {
            try {
                MidiFiles.read(bytes);
                return true;
            } catch (MidiFormatException e) {
                return false;                               // the parser's clear input error
            }
        }, List.of(midiBytes(0), midiBytes(1)));
    }

    /** A safetensors checkpoint (a model folder a user installs), read through a file as the server does. */
    public static Target safetensors() {
        Path file;
        try {
            file = Files.createTempFile("tessera-fuzz-", ".safetensors");
            file.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Target("safetensors", "SafeTensors.read", bytes -> {
            try {
                Files.write(file, bytes);
                SafeTensorsFile read = SafeTensors.read(file);
                for (String name : read.tensors().keySet()) {
                    TensorData t = read.tensor(name);
                    if (t.bytes().remaining() != t.numel() * t.dtype().byteSize()) {
                        throw new IllegalStateException("tensor " + name + " has " + t.bytes().remaining()
                                + " bytes for " + t.numel() + " elements");
                    }
                }
                return true;
            } catch (CheckpointFormatException e) {
                return false;                               // the parser's clear input error
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, List.of(safetensorsBytes(file)));
    }

    /** A refusal must be the client's fault: 400 (or 404 for an unknown model) or 413, never 5xx. */
    private static boolean requireClientError(ApiException e) {
        int status = e.error().status();
        if (!Set.of(400, 404, 413).contains(status)) {
            throw new IllegalStateException("a parser refused input with HTTP " + status + ", not 400/404/413", e);
        }
        return false;
    }

    private static void requireSamples(long a, long b) {
        if (a < 0 || b < 0) {
            throw new IllegalStateException("negative sizes " + a + ", " + b);
        }
    }

    private static float[] tone(int samples, int rate) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 220 * i / rate));
        }
        return x;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A version 1.0 .npy file of float32 zeros as numpy.save writes it (header padded to 64 bytes). */
    static byte[] npyBytes(String shape, int count) {
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put(utf8("NUMPY")).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < count; i++) {
            b.putFloat(-6f + i % 7);
        }
        return b.array();
    }

    /** A short two-track MIDI file (type {@code type}) of a few notes, written by javax.sound.midi. */
    static byte[] midiBytes(int type) {
        try {
            Sequence seq = new Sequence(Sequence.PPQ, 96);
            for (int tr = 0; tr < (type == 0 ? 1 : 2); tr++) {
                Track track = seq.createTrack();
                for (int n = 0; n < 4; n++) {
                    int pitch = 60 + 4 * n + 12 * tr;
                    track.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, tr, pitch, 90), n * 96L));
                    track.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, tr, pitch, 0), n * 96L + 80));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MidiSystem.write(seq, type, out);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the MIDI seed", e);
        }
    }

    /** A checkpoint with a float, a long and a byte tensor and metadata, written by SafeTensors.write. */
    static byte[] safetensorsBytes(Path scratch) {
        try {
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            tensors.put("w", TensorData.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
            tensors.put("step", TensorData.ofLongs(new long[] {1}, new long[] {7}));
            tensors.put("mask", TensorData.ofBytes(new long[] {4}, new byte[] {1, 0, 1, 0}));
            SafeTensors.write(scratch, tensors, Map.of("note", "fuzz seed"));
            return Files.readAllBytes(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seeds as a list of copies, so a target cannot change the originals. */
    public static List<byte[]> seedCopies(Target t) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] s : t.seeds()) {
            out.add(s.clone());
        }
        return out;
    }
}
