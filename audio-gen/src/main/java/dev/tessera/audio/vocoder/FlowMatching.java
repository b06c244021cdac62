package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import dev.tessera.core.nn.Scalars;

/**
 * Optimal-transport conditional flow matching with the energy prior (audio spec 2.1), from noise at
 * t = 0 to the waveform x1 at t = 1:
 * <pre>
 *   x0  = alpha * sigma_E * eps
 *   x_t = (1 - (1 - sigma_min) t) x0 + t x1
 *   u_t = x1 - (1 - sigma_min) x0
 *   L   = mean over unpadded samples of ((v_theta(x_t, c, t) - u_t) / sigma_E)^2
 * </pre>
 * All arrays are (B, T); t is (B). Results belong to the first operand's manager.
 */
public final class FlowMatching {

    /** A point on the path and the velocity the network must predict there. */
    public record Point(NDArray xt, NDArray target) {
    }

    private final double sigmaMin;
    private final double alpha;

    public FlowMatching(VocoderConfig config) {
        this.sigmaMin = config.sigmaMin();
        this.alpha = config.alpha();
    }

    /** The prior sample x0 = alpha * tau * sigma_E * eps (tau = 1 in training). */
    public NDArray prior(NDArray eps, NDArray sigma, double temperature) {
        return eps.mul(sigma).mul((float) (alpha * temperature));
    }

    /** x_t and u_t for data x1, prior sample x0 and times t (B). */
    public Point interpolate(NDArray x1, NDArray x0, NDArray t) {
        NDArray tt = t.expandDims(1);                                                        // (B, 1)
        NDArray xt = x0.mul(tt.mul((float) -(1 - sigmaMin)).add(1f)).add(x1.mul(tt));
        NDArray target = x1.sub(x0.mul((float) (1 - sigmaMin)));
        return new Point(xt, target);
    }

    /**
     * The energy-weighted loss: mean of ((v - u) / sigma_E)^2 over the first {@code lengths[b]} samples
     * of each item b.
     */
    public NDArray loss(NDArray v, NDArray target, NDArray sigma, int[] lengths) {
        int batch = lengths.length;
        long samples = v.getShape().get(1);
        NDArray mask = PeriodWave.mask(v.getManager(), lengths, 1, (int) samples, 1);        // (B, 1, T) or null
        if (mask == null) {
            return v.sub(target).div(sigma).square().mean();
        }
        NDArray m = mask.reshape(batch, samples);
        // sigma is 0 past the length; add 1 there so the (masked) quotient stays finite.
        NDArray safeSigma = sigma.add(m.neg().add(1f));
        long valid = 0;
        for (int length : lengths) {
            valid += Math.min(length, samples);
        }
        return Scalars.over(v.sub(target).div(safeSigma).square().mul(m).sum(), valid);
    }
}
