package dev.tessera.web.jobs;

import dev.tessera.web.jobs.JobStore.Output;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output folder of batches: {@code <root>/<batch id>/<output name>}. An attempt writes
 * {@code .<output>.<lease token>.part}, syncs it and renames it over the final name in one atomic step, so a
 * reader (or a crash) sees either no file or a whole one, never a partial one. Only names the store knows are
 * ever resolved, and every path is checked to stay under the root.
 */
public final class OutputFiles {

    /** A temporary file: {@code .<output>.<token>.part}, the token being a UUID. */
    static final Pattern TEMP = Pattern.compile("\\.(.+)\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
            + "\\.part");
    static final Pattern BATCH_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path root;

    public OutputFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file of an output, or empty when the ids are not ones this server makes or the path would leave the root. */
    public Optional<Path> file(String batchId, String output) {
        if (!BATCH_ID.matcher(batchId).matches() || !BatchItems.OUTPUT_NAME.matcher(output).matches()) {
            return Optional.empty();
        }
        Path file = root.resolve(batchId).resolve(output).normalize();
        return file.startsWith(root) && file.getParent().getParent().equals(root) ? Optional.of(file) : Optional.empty();
    }

    static String tempName(String output, String token) {
        return "." + output + "." + token + ".part";
    }

    /**
     * Writes an attempt's bytes to its temporary file, synced to disk. Call {@link #publish} after checking
     * that the lease still holds.
     */
    public Path writeTemp(String batchId, String output, String token, byte[] bytes) throws IOException {
        Path file = file(batchId, output).orElseThrow(() -> new IOException("bad output name " + output));
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(tempName(output, token));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        return temp;
    }

    /** Renames a temporary file over its output in one atomic step; returns the output's size and hash. */
    public Output publish(Path temp, String batchId, String output, String mime, byte[] bytes) throws IOException {
        Path file = file(batchId, output).orElseThrow(() -> new IOException("bad output name " + output));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Output(bytes.length, sha256(bytes), mime);
    }

    /** Deletes an attempt's temporary file, if it exists. */
    public void deleteTemp(String batchId, String output, String token) throws IOException {
        Optional<Path> file = file(batchId, output);
        if (file.isPresent()) {
            Files.deleteIfExists(file.get().resolveSibling(tempName(output, token)));
        }
    }

    /** Every temporary file under the root, with the lease token in its name. */
    public List<Temp> temps() throws IOException {
        List<Temp> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> batches = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path batch : batches) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(batch, ".*.part")) {
                    for (Path f : files) {
                        Matcher m = TEMP.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            out.add(new Temp(f, m.group(2)));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A temporary file and the lease that wrote it. */
    public record Temp(Path file, String token) {
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
