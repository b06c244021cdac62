package dev.tessera.audio.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.mel.Stft;
import java.util.List;

/**
 * The multi-resolution STFT distance (M-STFT) of audio spec 6.1, with auraloss's defaults behind the
 * papers' tables: resolutions (n_fft, hop, window) = (1024, 120, 600), (2048, 240, 1200), (512, 50, 240),
 * Hann windows centred in n_fft, centred frames with reflect padding, |X| = sqrt(max(re² + im², 1e-8)).
 * Per resolution: spectral convergence ‖|Y| − |X|‖_F / ‖|Y|‖_F plus the mean |ln|Y| − ln|X||; the result
 * is the mean over resolutions. Y is the reference, X the output (cropped to the reference's length).
 *
 * <p>{@link #compute} stays in libtorch and is differentiable, so it also serves as a training loss.
 */
public final class MultiResolutionStftDistance {

    /** One STFT resolution: n_fft, hop and window length in samples. */
    public record Resolution(int nFft, int hop, int window) {
    }

    public static final List<Resolution> AURALOSS_DEFAULTS = List.of(
            new Resolution(1024, 120, 600), new Resolution(2048, 240, 1200), new Resolution(512, 50, 240));

    private static final double POWER_FLOOR = 1e-8;

    private final List<Stft> transforms;

    public MultiResolutionStftDistance(List<Resolution> resolutions) {
        this.transforms = resolutions.stream()
                .map(r -> new Stft(r.nFft(), r.hop(), r.window(), Stft.Padding.CENTER))
                .toList();
    }

    public MultiResolutionStftDistance() {
        this(AURALOSS_DEFAULTS);
    }

    /**
     * @param reference (B, T) float32
     * @param output (B, T') float32 with T' >= T; cropped to T
     * @return a scalar, attached to the reference's manager
     */
    public NDArray compute(NDArray reference, NDArray output) {
        NDArray out = Distances.cropTo(reference, output);
        NDManager owner = reference.getManager();
        try (NDManager scope = owner.newSubManager()) {
            reference.tempAttach(scope);
            if (out != reference) {
                out.tempAttach(scope);
            }
            NDArray total = null;
            for (Stft stft : transforms) {
                NDArray y = Stft.power(stft.forward(reference)).maximum(POWER_FLOOR).sqrt();
                NDArray x = Stft.power(stft.forward(out)).maximum(POWER_FLOOR).sqrt();
                NDArray convergence = y.sub(x).norm().div(y.norm());
                NDArray logDistance = y.log().sub(x.log()).abs().mean();
                NDArray term = convergence.add(logDistance);
                total = total == null ? term : total.add(term);
            }
            NDArray result = total.div(transforms.size());
            result.attach(owner);
            return result;
        }
    }

    /** The distance between two mono signals, computed in a manager of its own. */
    public double distance(float[] reference, float[] output) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.create(reference, new Shape(1, reference.length));
            NDArray x = m.create(output, new Shape(1, output.length));
            return compute(y, x).getFloat();
        }
    }
}
