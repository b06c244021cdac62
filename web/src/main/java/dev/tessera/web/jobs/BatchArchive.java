package dev.tessera.web.jobs;

import dev.tessera.web.jobs.JobStore.BatchStatus;
import dev.tessera.web.jobs.JobStore.ItemStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The zip of a batch ({@code GET /api/v1/batches/{id}/archive}): every output made so far, stored
 * uncompressed (PNG and WAV gain little from deflate), and {@code manifest.json} with the batch's state and
 * each item's state, output, size, SHA-256 and error. Blocking: call it on a worker.
 */
final class BatchArchive {

    static final String MANIFEST = "manifest.json";

    private BatchArchive() {
    }

    /** Writes the archive to a new temporary file and returns it; the caller deletes it. */
    static Path write(OutputFiles outputs, BatchStatus batch, List<ItemStatus> items) throws IOException {
        Path file = Files.createTempFile("tessera-batch-" + batch.id() + "-", ".zip");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            JsonArray manifest = new JsonArray();
            for (ItemStatus item : items) {
                JsonObject entry = new JsonObject().put("item", item.index()).put("kind", item.kind())
                        .put("model", item.model()).put("output", item.output()).put("state", item.state());
                Optional<Path> source = JobStore.SUCCEEDED.equals(item.state())
                        ? outputs.file(batch.id(), item.output()) : Optional.empty();
                if (source.isPresent() && Files.isRegularFile(source.get())) {
                    byte[] bytes = Files.readAllBytes(source.get());
                    ZipEntry z = new ZipEntry(item.output());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(bytes.length);
                    z.setCompressedSize(bytes.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(bytes);
                    z.setCrc(crc.getValue());
                    zip.putNextEntry(z);
                    zip.write(bytes);
                    zip.closeEntry();
                    entry.put("bytes", bytes.length).put("sha256", item.sha256()).put("mime", item.mime());
                } else if (item.errorCode() != null) {
                    entry.put("error", new JsonObject().put("code", item.errorCode()).put("message", item.errorMessage()));
                }
                manifest.add(entry);
            }
            JsonObject head = new JsonObject().put("batch", batch.id()).put("name", batch.name())
                    .put("state", batch.state()).put("counts", batch.counts().toJson()).put("items", manifest);
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(head.encodePrettily().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }
}
