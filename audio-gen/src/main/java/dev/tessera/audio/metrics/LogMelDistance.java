package dev.tessera.audio.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.mel.MelSpectrogram;

/**
 * Log-mel L1 (audio spec 6.2): the mean |ΔM| over frames and the 80 bins of the front-end log-mel, the
 * output cropped to the reference's length first.
 */
public final class LogMelDistance {

    private final MelSpectrogram mel;

    public LogMelDistance(MelSpectrogram mel) {
        this.mel = mel;
    }

    public LogMelDistance() {
        this(MelSpectrogram.hifiGan());
    }

    /** (B, T) reference and (B, T' >= T) output → scalar, attached to the reference's manager. */
    public NDArray compute(NDArray reference, NDArray output) {
        NDArray out = Distances.cropTo(reference, output);
        NDManager owner = reference.getManager();
        try (NDManager scope = owner.newSubManager()) {
            reference.tempAttach(scope);
            if (out != reference) {
                out.tempAttach(scope);
            }
            NDArray result = mel.logMel(reference).sub(mel.logMel(out)).abs().mean();
            result.attach(owner);
            return result;
        }
    }

    public double distance(float[] reference, float[] output) {
        try (NDManager m = NDManager.newBaseManager()) {
            return compute(m.create(reference, new Shape(1, reference.length)),
                    m.create(output, new Shape(1, output.length))).getFloat();
        }
    }
}
