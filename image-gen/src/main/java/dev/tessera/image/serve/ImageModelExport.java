package dev.tessera.image.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.core.checkpoint.DType;
import dev.tessera.core.checkpoint.TensorData;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.eval.FileHashes;
import dev.tessera.image.eval.NoGradient;
import dev.tessera.image.lfq.LfqTokenizer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Ships trained image models: converts what the training mains export ({@code lfq-tokenizer} and
 * {@code image-ar} checkpoints, float32) to float16 storage in the installed layout
 * ({@code <models>/image-tokenizer/}, {@code <models>/image-ar/}), keeping the model card and any other
 * small file of the export, and appends to the card what the conversion changed, measured.
 *
 * <p>Why float16: the issue caps a shipped model at 20 MB, and the default tokenizer (5.2M parameters,
 * 21 MB in float32) and factorized AR model (6.15M, 25 MB) are over it; in float16 they take 10 and 12 MB.
 * Loading widens every F16 tensor to float32 ({@code BlockCheckpoints.load} reads {@code toFloats()}), so
 * the model computes in float32 with weights rounded once to 11 significant bits (relative error at most
 * 2^-11 = 4.9e-4, exact for zero). A weight beyond float16's range (|w| > 65504) is refused, never clipped.
 *
 * <p>The check {@link #compareTokenizer} / {@link #compareAr} runs the float32 and float16 weights on the
 * same inputs: 16 grids of uniformly random tokens decoded to images (max |difference| of pixels in
 * [-1, 1]) and re-encoded (share of equal tokens); the AR model's per-token negative log-likelihood of 8
 * random sequences (max |difference|, nats). {@code ImageModelExportTest} bounds both on tiny models.
 */
public final class ImageModelExport {

    /** The ceiling for one shipped model's tensors file, bytes. */
    public static final long MAX_SHIPPED_BYTES = 20_000_000L;
    /** Largest finite float16. */
    static final float F16_MAX = 65504f;

    private ImageModelExport() {
    }

    /**
     * What converting one checkpoint did.
     *
     * @param source the float32 tensors file
     * @param target the float16 tensors file written
     * @param parameters floats converted
     * @param sourceBytes size of the source tensors file
     * @param targetBytes size of the written tensors file
     * @param maxAbsRounding largest |w16 - w32| over every weight
     * @param sourceSha256 SHA-256 of the source tensors file
     */
    public record Converted(Path source, Path target, long parameters, long sourceBytes, long targetBytes,
                            double maxAbsRounding, String sourceSha256) {
    }

    /**
     * How closely the float16 copy reproduces the float32 model.
     *
     * @param maxAbsDifference tokenizer: of decoded pixels in [-1, 1]; AR: of per-token NLL in nats
     * @param agreement tokenizer: share of equal tokens when both re-encode the float32 decodings; AR: the
     *     two models' mean bits/token ratio (f16 / f32)
     * @param what one line for people and the model card
     */
    public record Comparison(double maxAbsDifference, double agreement, String what) {
    }

    /** One shipped model: the conversion and the output check. */
    public record Shipped(String kind, Converted converted, Comparison comparison) {
    }

    /**
     * Writes checkpoint {@code name} of {@code sourceDir} as float16 into {@code targetDir} (same name,
     * config and metadata, plus {@code tessera.storage}). Non-float32 tensors are copied as they are.
     * {@code sourceDir} may equal {@code targetDir}: everything is read before the atomic write.
     *
     * @throws CheckpointFormatException when a weight is not finite or beyond float16's range
     */
    public static Converted toF16(Path sourceDir, Path targetDir, String name) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(sourceDir, name);
        Path source = Checkpoint.tensorsFile(sourceDir, name);
        long sourceBytes = Files.size(source);
        String sha = FileHashes.sha256(source);
        Map<String, TensorData> out = new LinkedHashMap<>();
        long parameters = 0;
        double maxRounding = 0;
        for (Map.Entry<String, TensorData> e : loaded.tensors().entrySet()) {
            TensorData t = e.getValue();
            if (t.dtype() != DType.F32) {
                out.put(e.getKey(), t);
                continue;
            }
            float[] v = t.toFloats();
            for (float x : v) {
                if (!Float.isFinite(x) || Math.abs(x) > F16_MAX) {
                    throw new CheckpointFormatException("tensor '" + e.getKey() + "' of " + source + " holds " + x
                            + ", which float16 cannot store; this checkpoint cannot ship as F16");
                }
            }
            TensorData half = TensorData.ofFloats(DType.F16, t.shape(), v);
            float[] back = half.toFloats();
            for (int i = 0; i < v.length; i++) {
                maxRounding = Math.max(maxRounding, Math.abs(back[i] - v[i]));
            }
            parameters += v.length;
            out.put(e.getKey(), half);
        }
        Map<String, String> metadata = new LinkedHashMap<>(loaded.metadata());
        metadata.put("tessera.storage", "F16 from F32 " + sha);
        Files.createDirectories(targetDir);
        Checkpoint.saveTensors(targetDir, name, out, loaded.config(), metadata);
        Path target = Checkpoint.tensorsFile(targetDir, name);
        return new Converted(source, target, parameters, sourceBytes, Files.size(target), maxRounding, sha);
    }

    /**
     * Installs trained exports under {@code modelsDir} as float16: the tokenizer export into
     * {@code image-tokenizer/}, the AR export into {@code image-ar/}; either may be null. When a source
     * folder is its own target (the tokenizer main exports straight to {@code models/image-tokenizer}), the
     * float32 pair is first copied to {@code backupDir}/{@code <folder>} so that nothing trained is lost.
     * Each copy is checked against its float32 original ({@link #compareTokenizer}, {@link #compareAr}) and
     * the result appended to its model card.
     *
     * @throws IllegalArgumentException when an export is missing or a shipped file would exceed
     *     {@link #MAX_SHIPPED_BYTES}
     */
    public static List<Shipped> ship(Path tokenizerExport, Path arExport, Path modelsDir, Path backupDir)
            throws IOException {
        if (tokenizerExport == null && arExport == null) {
            throw new IllegalArgumentException("name an export to ship: --tokenizer DIR and/or --ar DIR");
        }
        requireCheckpoint(tokenizerExport, LfqTokenizer.CHECKPOINT, "--tokenizer", "tessera train image-tokenizer");
        requireCheckpoint(arExport, ImageTokenModels.CHECKPOINT, "--ar", "tessera train image-ar");
        List<Shipped> shipped = new java.util.ArrayList<>();
        if (tokenizerExport != null) {
            Path target = modelsDir.resolve(ImageGenerator.TOKENIZER_DIR);
            Path reference = keepFloat32(tokenizerExport, target, LfqTokenizer.CHECKPOINT, backupDir);
            Converted c = convertChecked(reference, target, LfqTokenizer.CHECKPOINT);
            Comparison cmp = compareTokenizer(reference, target);
            copyExtras(tokenizerExport, target, LfqTokenizer.CHECKPOINT);
            appendCard(target, c, cmp);
            shipped.add(new Shipped("tokenizer", c, cmp));
        }
        if (arExport != null) {
            Path target = modelsDir.resolve(ImageGenerator.AR_DIR);
            Path reference = keepFloat32(arExport, target, ImageTokenModels.CHECKPOINT, backupDir);
            Converted c = convertChecked(reference, target, ImageTokenModels.CHECKPOINT);
            Comparison cmp = compareAr(reference, target);
            copyExtras(arExport, target, ImageTokenModels.CHECKPOINT);
            appendCard(target, c, cmp);
            shipped.add(new Shipped("ar", c, cmp));
        }
        return shipped;
    }

    private static void requireCheckpoint(Path dir, String name, String flag, String how) throws IOException {
        if (dir != null && !Checkpoint.exists(dir, name)) {
            throw new IllegalArgumentException(flag + " " + dir + " holds no " + name + ".safetensors; it is the "
                    + "--export folder of `" + how + "`");
        }
    }

    private static Converted convertChecked(Path source, Path target, String name) throws IOException {
        long estimate = 0;
        for (TensorData t : Checkpoint.load(source, name).tensors().values()) {
            estimate += t.dtype() == DType.F32 ? t.numel() * 2 : t.numel() * t.dtype().byteSize();
        }
        if (estimate > MAX_SHIPPED_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s/%s would take %.1f MB in float16, over the "
                    + "%.0f MB a shipped model may take; ship a smaller model", source, name, estimate / 1e6,
                    MAX_SHIPPED_BYTES / 1e6));
        }
        return toF16(source, target, name);
    }

    /**
     * The folder holding the float32 original to convert: the export itself, or, when the export is the
     * target folder, a copy in {@code backupDir} made first (kept from an earlier ship if the target
     * already holds float16).
     */
    private static Path keepFloat32(Path export, Path target, String name, Path backupDir) throws IOException {
        if (!sameFolder(export, target)) {
            return export;
        }
        Path backup = backupDir.resolve(target.getFileName().toString());
        if (!isFloat16(Checkpoint.load(export, name))) {
            Files.createDirectories(backup);
            for (Path f : List.of(Checkpoint.tensorsFile(export, name), Checkpoint.configFile(export, name))) {
                if (Files.exists(f)) {
                    Files.copy(f, backup.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else if (!Checkpoint.exists(backup, name)) {
            throw new IllegalArgumentException(export + "/" + name + " is already float16 and no float32 original is in "
                    + backup + "; ship from the training export");
        }
        return backup;
    }

    private static boolean sameFolder(Path a, Path b) throws IOException {
        return Files.exists(b) && Files.isSameFile(a, b);
    }

    private static boolean isFloat16(Checkpoint.Loaded loaded) {
        return loaded.tensors().values().stream().noneMatch(t -> t.dtype() == DType.F32);
    }

    /** The export's other small files (the model card, evaluation JSON), unless source is target. */
    private static void copyExtras(Path export, Path target, String name) throws IOException {
        if (sameFolder(export, target)) {
            return;
        }
        try (Stream<Path> files = Files.list(export)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                boolean checkpoint = n.equals(name + ".safetensors") || n.equals(name + ".json");
                if (!checkpoint && Files.isRegularFile(f) && !n.endsWith(".safetensors") && Files.size(f) < 1_000_000) {
                    Files.copy(f, target.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void appendCard(Path target, Converted c, Comparison cmp) throws IOException {
        Path card = target.resolve("MODEL_CARD.md");
        String text = Files.exists(card) ? Files.readString(card) : "";
        int old = text.indexOf("\n## Shipped as float16");
        if (old >= 0) {
            text = text.substring(0, old + 1);
        }
        text += String.format(Locale.ROOT, "%n## Shipped as float16%n%n"
                        + "`tessera export image` wrote `%s` on %s from the float32 export (%d bytes, SHA-256 `%s`): "
                        + "%d weights stored as F16, %d bytes; loading widens them to float32. Largest rounding of a "
                        + "weight: %.3g. %s%n",
                c.target().getFileName(), LocalDate.now(), c.sourceBytes(), c.sourceSha256(), c.parameters(),
                c.targetBytes(), c.maxAbsRounding(), cmp.what());
        Files.writeString(card, text);
    }

    /**
     * Decodes 16 grids of uniformly random tokens (seed 1) with both tokenizers, and re-encodes the float32
     * decodings with both.
     */
    public static Comparison compareTokenizer(Path f32Dir, Path f16Dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LfqTokenizer a = LfqTokenizer.load(f32Dir, LfqTokenizer.CHECKPOINT, manager);
            LfqTokenizer b = LfqTokenizer.load(f16Dir, LfqTokenizer.CHECKPOINT, manager);
            int n = 16;
            int t = a.config().tokens();
            long[] tokens = new long[n * t];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = r.nextLong(1L << a.config().bits());
            }
            return NoGradient.call(() -> {
                ParameterStore ps = new ParameterStore(manager, false);
                NDArray ids = manager.create(tokens, new Shape(n, t));
                NDArray imageA = a.detokenize(ps, ids).clip(-1, 1);                         // (n, 3, S, S)
                NDArray imageB = b.detokenize(ps, ids).clip(-1, 1);
                double diff = imageA.sub(imageB).abs().max().getFloat();
                long[] ta = a.tokenize(ps, imageA).toLongArray();                            // (n, T)
                long[] tb = b.tokenize(ps, imageA).toLongArray();
                int same = 0;
                for (int i = 0; i < ta.length; i++) {
                    same += ta[i] == tb[i] ? 1 : 0;
                }
                double agreement = same / (double) ta.length;
                return new Comparison(diff, agreement, String.format(Locale.ROOT, "Check against float32 on %d grids of "
                        + "random tokens: decoded pixels differ by at most %.2e (range [-1, 1]); re-encoding gives the "
                        + "same token at %.2f%% of %d positions.", n, diff, 100 * agreement, ta.length));
            });
        }
    }

    /** Per-token NLL of 8 uniformly random sequences (seed 1, classes cycling) under both AR models. */
    public static Comparison compareAr(Path f32Dir, Path f16Dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageTokenModel a = ImageTokenModels.load(f32Dir, ImageTokenModels.CHECKPOINT, manager);
            ImageTokenModel b = ImageTokenModels.load(f16Dir, ImageTokenModels.CHECKPOINT, manager);
            int n = 8;
            int t = a.trunkConfig().tokens();
            long[] tokens = new long[n * t];
            long[] classes = new long[n];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = r.nextLong(1L << a.bits());
            }
            for (int i = 0; i < n; i++) {
                classes[i] = i % (a.trunkConfig().numClasses() + 1);
            }
            return NoGradient.call(() -> {
                ParameterStore ps = new ParameterStore(manager, false);
                NDArray ids = manager.create(tokens, new Shape(n, t));
                NDArray cls = manager.create(classes);
                NDArray nllA = a.tokenNll(ps, ids, cls, false);                             // (n, T) nats
                NDArray nllB = b.tokenNll(ps, ids, cls, false);
                double diff = nllA.sub(nllB).abs().max().getFloat();
                double ratio = nllB.mean().getFloat() / nllA.mean().getFloat();
                return new Comparison(diff, ratio, String.format(Locale.ROOT, "Check against float32 on %d random "
                        + "sequences: per-token negative log-likelihoods differ by at most %.2e nats (mean ratio "
                        + "f16/f32 %.6f).", n, diff, ratio));
            });
        }
    }
}
