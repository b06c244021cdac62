package dev.tessera.distill.dd;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.core.checkpoint.CheckpointFormatException;
import dev.tessera.image.ar.FactorizedArTransformer;
import dev.tessera.image.ar.ImageTokenModel;
import dev.tessera.image.ar.ImageTokenModels;
import dev.tessera.image.nn.BlockCheckpoints;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and loads the checkpoints distilled decoding reads and writes. A model folder holds one checkpoint:
 * {@code model} (the serving layout of {@code models/}) or the name the image trainers export
 * ({@code image-ar}, {@code lfq-tokenizer}); both are accepted, {@code model} first.
 */
public final class DdModels {

    /** Checkpoint name of an exported student in its folder ({@code models/image-dd/model.safetensors}). */
    public static final String STUDENT = "model";

    private DdModels() {
    }

    /** The checkpoint name present in {@code dir} among {@code names}, in order. */
    public static String checkpointIn(Path dir, String... names) throws NoSuchFileException {
        for (String n : names) {
            if (Checkpoint.exists(dir, n)) {
                return n;
            }
        }
        throw new NoSuchFileException(dir.toString(), null, "no checkpoint " + List.of(names) + " (.safetensors) in "
                + dir);
    }

    /** The factorized teacher of {@code dir} ({@code model} or {@code image-ar}), weights in {@code manager}. */
    public static FactorizedArTransformer teacher(Path dir, NDManager manager) throws IOException {
        String name = checkpointIn(dir, "model", "image-ar");
        ImageTokenModel m = ImageTokenModels.load(dir, name, manager);
        if (!(m instanceof FactorizedArTransformer f)) {
            throw new CheckpointFormatException("the teacher in " + dir + " is a " + m.configJson().getString("model")
                    + " head; distilled decoding needs the factorized one");
        }
        return f;
    }

    /** The exported student of {@code dir}, weights in {@code manager}. */
    public static DdStudent student(Path dir, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(dir, checkpointIn(dir, STUDENT));
        DdStudent s;
        try {
            s = new DdStudent(DdStudentConfig.fromJson(loaded.config()));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException("the student in " + dir + " has an unusable config: " + e.getMessage(), e);
        }
        s.initialize(manager, DataType.FLOAT32);
        BlockCheckpoints.load(s, loaded.tensors());
        return s;
    }

    /**
     * Writes the untrained student of {@code teacher} (its weights, the least-squares input, a zero marker) as
     * {@code dir/model}: the serving layout, for smoke tests and for timing the serving path before training.
     */
    public static void writeUntrainedStudent(Path dir, FactorizedArTransformer teacher, List<String> classNames)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            DdStudent s = new DdStudent(DdStudentConfig.of(teacher.config()));
            s.initialize(m);
            s.initializeFrom(teacher);
            BlockCheckpoints.save(dir, STUDENT, s, s.config().toJson()
                    .put("classNames", new io.vertx.core.json.JsonArray(List.copyOf(classNames))), java.util.Map.of(
                    "note", "untrained: the teacher's weights"));
        }
    }
}
