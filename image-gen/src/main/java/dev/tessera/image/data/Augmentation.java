package dev.tessera.image.data;

import java.util.SplittableRandom;
import org.joml.Matrix3x2f;
import org.joml.Vector2f;

/**
 * Training-time augmentation of the emoji set (specs/image.md 1.1): a horizontal flip and an integer
 * shift of up to {@code maxShift} pixels on each axis, with white filling what the shift uncovers.
 *
 * <p>The geometry is one affine map (a JOML {@link Matrix3x2f}) from source to destination pixel
 * coordinates; each destination pixel centre is mapped back through its inverse and takes the nearest
 * source pixel. For flips and integer shifts this is exact: no pixel is interpolated.
 *
 * @param flipProbability chance of a horizontal flip, in [0, 1]
 * @param maxShift largest shift in pixels, drawn uniformly from {@code [-maxShift, maxShift]} per axis
 */
public record Augmentation(double flipProbability, int maxShift) {

    /** No augmentation: images pass through unchanged. */
    public static final Augmentation NONE = new Augmentation(0, 0);
    /** The spec's training augmentation: flip with probability 1/2, shift by up to 2 px. */
    public static final Augmentation EMOJI = new Augmentation(0.5, 2);

    private static final byte WHITE = (byte) 255;

    public Augmentation {
        if (!(flipProbability >= 0 && flipProbability <= 1) || maxShift < 0) {
            throw new IllegalArgumentException("flip probability must be in [0, 1] and the shift >= 0, got "
                    + flipProbability + " and " + maxShift);
        }
    }

    public boolean isIdentity() {
        return flipProbability == 0 && maxShift == 0;
    }

    /** Draws flip (first) and shift (x, then y) from {@code random} and applies them. */
    public byte[] apply(byte[] src, int size, SplittableRandom random, byte[] dst) {
        boolean flip = flipProbability > 0 && random.nextDouble() < flipProbability;
        int dx = maxShift > 0 ? random.nextInt(-maxShift, maxShift + 1) : 0;
        int dy = maxShift > 0 ? random.nextInt(-maxShift, maxShift + 1) : 0;
        return apply(src, size, flip, dx, dy, dst);
    }

    /**
     * The map from source to destination pixel coordinates (origin at the top-left corner, pixel
     * {@code (x, y)} covering {@code [x, x+1) x [y, y+1)}): mirror about the vertical centre line, then
     * translate by {@code (dx, dy)}.
     */
    public static Matrix3x2f transform(int size, boolean flip, int dx, int dy) {
        Matrix3x2f m = new Matrix3x2f().translate(dx, dy);
        if (flip) {
            m.scaleAround(-1f, 1f, size / 2f, size / 2f);
        }
        return m;
    }

    /**
     * Applies one flip and shift to an {@code (size, size, 3)} image.
     *
     * @param dst output buffer of the same length as {@code src} (reused across calls)
     * @return {@code dst}
     */
    public static byte[] apply(byte[] src, int size, boolean flip, int dx, int dy, byte[] dst) {
        if (src.length != 3 * size * size || dst.length != src.length) {
            throw new IllegalArgumentException("expected " + 3 * size * size + "-byte images of " + size + "x" + size
                    + "x3, got " + src.length + " and " + dst.length);
        }
        Matrix3x2f inverse = transform(size, flip, dx, dy).invert();
        Vector2f p = new Vector2f();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                inverse.transformPosition(x + 0.5f, y + 0.5f, p);
                int sx = (int) Math.floor(p.x);
                int sy = (int) Math.floor(p.y);
                int d = 3 * (y * size + x);
                if (sx < 0 || sy < 0 || sx >= size || sy >= size) {
                    dst[d] = WHITE;
                    dst[d + 1] = WHITE;
                    dst[d + 2] = WHITE;
                } else {
                    int s = 3 * (sy * size + sx);
                    dst[d] = src[s];
                    dst[d + 1] = src[s + 1];
                    dst[d + 2] = src[s + 2];
                }
            }
        }
        return dst;
    }
}
