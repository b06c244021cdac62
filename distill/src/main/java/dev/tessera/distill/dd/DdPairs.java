package dev.tessera.distill.dd;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Training pairs of distilled decoding (specs/image.md 5.2), each (class, seed, tokens): the noise is
 * {@link PortableNoise#gaussian} of the seed, so a pair takes {@code 4 + 8 + 2 T} bytes (140 at T = 64).
 *
 * <p>Files: {@code pairs.bin}, fixed-size little-endian records (int32 class, int64 seed, T uint16 tokens),
 * appended as they are made so an interrupted generation continues where it stopped; {@code pairs.json},
 * how they were made (teacher, sampling settings, flow steps, K, T). A torn last record is ignored.
 */
public final class DdPairs {

    public static final String DATA = "pairs.bin";
    public static final String META = "pairs.json";

    private final int tokens;
    private final int bits;
    private final int[] classes;
    private final long[] seeds;
    private final short[] codes;   // (count, T), unsigned

    public DdPairs(int bits, int tokens, int[] classes, long[] seeds, short[] codes) {
        if (bits < 1 || bits > 16 || tokens < 1 || seeds.length != classes.length
                || codes.length != classes.length * tokens) {
            throw new IllegalArgumentException("inconsistent pairs: K " + bits + ", T " + tokens + ", "
                    + classes.length + " classes, " + seeds.length + " seeds, " + codes.length + " tokens");
        }
        this.bits = bits;
        this.tokens = tokens;
        this.classes = classes;
        this.seeds = seeds;
        this.codes = codes;
    }

    public static int recordBytes(int tokens) {
        return 4 + 8 + 2 * tokens;
    }

    public int count() {
        return classes.length;
    }

    public int bits() {
        return bits;
    }

    public int tokens() {
        return tokens;
    }

    public int classId(int i) {
        return classes[i];
    }

    public long seed(int i) {
        return seeds[i];
    }

    public long token(int i, int t) {
        return codes[i * tokens + t] & 0xFFFF;
    }

    /** The first {@code n} pairs. */
    public DdPairs head(int n) {
        return slice(0, n);
    }

    /** Pairs {@code from .. to-1}. */
    public DdPairs slice(int from, int to) {
        int[] c = java.util.Arrays.copyOfRange(classes, from, to);
        long[] s = java.util.Arrays.copyOfRange(seeds, from, to);
        short[] q = java.util.Arrays.copyOfRange(codes, from * tokens, to * tokens);
        return new DdPairs(bits, tokens, c, s, q);
    }

    /** Appends one pair to {@code dir/pairs.bin}. */
    public static void append(FileChannel channel, int classId, long seed, long[] tokens) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(recordBytes(tokens.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(classId).putLong(seed);
        for (long t : tokens) {
            b.putShort((short) t);
        }
        b.flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Opens {@code dir/pairs.bin} for appending, cutting a torn last record; returns the whole pairs so far. */
    public static FileChannel openForAppend(Path dir, int tokens) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(DATA), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long whole = ch.size() / recordBytes(tokens) * recordBytes(tokens);
        ch.truncate(whole);
        ch.position(whole);
        return ch;
    }

    /** Pairs already in {@code dir} (0 when none). */
    public static int countIn(Path dir, int tokens) throws IOException {
        Path f = dir.resolve(DATA);
        return Files.exists(f) ? (int) (Files.size(f) / recordBytes(tokens)) : 0;
    }

    /** Reads {@code dir/pairs.bin} with the K and T of {@code dir/pairs.json}. */
    public static DdPairs load(Path dir) throws IOException {
        Path meta = dir.resolve(META);
        if (!Files.exists(meta) || !Files.exists(dir.resolve(DATA))) {
            throw new java.nio.file.NoSuchFileException(dir.resolve(DATA).toString(), null,
                    "no distilled-decoding pairs; make them with `tessera train image-dd --pairs N --out " + dir + "`");
        }
        JsonObject m = new JsonObject(Files.readString(meta));
        int bits = m.getInteger("bits");
        int tokens = m.getInteger("tokens");
        int n = countIn(dir, tokens);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(DATA))).order(ByteOrder.LITTLE_ENDIAN);
        int[] classes = new int[n];
        long[] seeds = new long[n];
        short[] codes = new short[n * tokens];
        for (int i = 0; i < n; i++) {
            classes[i] = b.getInt();
            seeds[i] = b.getLong();
            for (int t = 0; t < tokens; t++) {
                codes[i * tokens + t] = b.getShort();
            }
        }
        return new DdPairs(bits, tokens, classes, seeds, codes);
    }
}
