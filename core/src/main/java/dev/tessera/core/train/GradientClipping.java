package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}: all gradients are treated as
 * one vector; when its norm exceeds the limit, every gradient is scaled by {@code limit / (norm + 1e-6)}.
 * Directions are kept, only the step length shrinks.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The L2 norm of all gradients together; the sum of squares is accumulated in double. */
    public static double globalNorm(List<NDArray> grads) {
        double sumOfSquares = 0;
        for (NDArray g : grads) {
            try (NDArray sq = g.square(); NDArray s = sq.sum()) {
                sumOfSquares += s.getFloat();
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Scales the gradients in place so that their global norm is at most {@code maxNorm}.
     *
     * @param maxNorm the limit; 0 only measures
     * @return the norm before clipping (NaN or infinite when a gradient is; nothing is scaled then)
     */
    public static double clipByGlobalNorm(List<NDArray> grads, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }
}
