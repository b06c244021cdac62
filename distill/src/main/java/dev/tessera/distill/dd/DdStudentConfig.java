package dev.tessera.distill.dd;

import dev.tessera.image.ar.ArTrunkConfig;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.SubTokenSplit;
import io.vertx.core.json.JsonObject;

/**
 * The one-step student of distilled decoding (specs/image.md 5.3): the teacher's factorized architecture
 * with a continuous input.
 *
 * @param teacher the teacher's config; the student copies its trunk, intra-token layers, norm and heads
 * @param dataTokens tokens kept as data by the 2-step mode and by half the training inputs (20: LlamaGen-DD's
 *     80 of 256 scaled to 64)
 * @param regressionHead whether a {@code Linear(w -> K)} head also regresses the code vector (read out by sign)
 * @param dropout dropout of the student's trunk and intra layers (class dropout is always 0: the student
 *     learns the guided sampler and runs without CFG)
 */
public record DdStudentConfig(FactorizedArConfig teacher, int dataTokens, boolean regressionHead, float dropout) {

    public DdStudentConfig {
        if (dataTokens < 1 || dataTokens >= teacher.trunk().tokens()) {
            throw new IllegalArgumentException("dataTokens must be in 1.." + (teacher.trunk().tokens() - 1) + ", got "
                    + dataTokens);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The spec's student of {@code teacher}: 20 data tokens, no regression head, the teacher's dropout. */
    public static DdStudentConfig of(FactorizedArConfig teacher) {
        return new DdStudentConfig(teacher, 20, false, teacher.trunk().dropout());
    }

    public int bits() {
        return teacher.bits();
    }

    public SubTokenSplit split() {
        return teacher.split();
    }

    /** Tokens per image (64). */
    public int tokens() {
        return teacher.trunk().tokens();
    }

    /** The student's trunk: the teacher's with no class dropout and the student's dropout. */
    public ArTrunkConfig trunk() {
        return teacher.trunk().withDropout(0f, dropout);
    }

    public JsonObject toJson() {
        return new JsonObject().put("model", "dd-student").put("teacher", teacher.toJson()).put("dataTokens", dataTokens)
                .put("regressionHead", regressionHead).put("dropout", dropout);
    }

    public static DdStudentConfig fromJson(JsonObject j) {
        FactorizedArConfig teacher = FactorizedArConfig.fromJson(j.getJsonObject("teacher", new JsonObject()));
        return new DdStudentConfig(teacher, j.getInteger("dataTokens", 20), j.getBoolean("regressionHead", false),
                j.getFloat("dropout", teacher.trunk().dropout()));
    }
}
