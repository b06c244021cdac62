package dev.tessera.image.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.image.data.ImageSet;

/**
 * Images as the metrics read them: RGB in [0, 1], {@code (N, 3, S, S)} row-major float32 on the host,
 * and the conversions to and from what the networks read ({@code (B, 3, S, S)} tensors in [-1, 1], the
 * scaling of {@link ImageSet#batch}).
 */
public final class UnitImages {

    private UnitImages() {
    }

    /** Every image of {@code set} in [0, 1]: {@code byte / 255}, channels first. */
    public static float[] of(ImageSet set) {
        int s = set.size();
        int hw = s * s;
        byte[] px = set.pixels();
        float[] out = new float[set.count() * 3 * hw];
        for (int i = 0; i < set.count(); i++) {
            for (int p = 0; p < hw; p++) {
                for (int c = 0; c < 3; c++) {
                    out[(i * 3 + c) * hw + p] = (px[(i * hw + p) * 3 + c] & 0xFF) / 255f;
                }
            }
        }
        return out;
    }

    /** Images {@code [from, from + count)} as network input: {@code (count, 3, S, S)} in [-1, 1]. */
    public static NDArray toInput(NDManager manager, float[] images, int size, int from, int count) {
        int per = 3 * size * size;
        float[] slice = new float[count * per];
        for (int i = 0; i < slice.length; i++) {
            slice[i] = images[from * per + i] * 2f - 1f;
        }
        return manager.create(slice, new Shape(count, 3, size, size));
    }

    /** Network output {@code (B, 3, S, S)}, clipped to [-1, 1], to [0, 1] floats on the host. */
    public static float[] fromOutput(NDArray images) {
        float[] v = images.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (Math.max(-1f, Math.min(1f, v[i])) + 1f) / 2f;
        }
        return v;
    }

    /** Number of {@code size x size} RGB images in {@code images}. */
    public static int count(float[] images, int size) {
        int per = 3 * size * size;
        if (images.length % per != 0) {
            throw new IllegalArgumentException(images.length + " values are not a whole number of " + size + "x" + size
                    + " RGB images");
        }
        return images.length / per;
    }
}
