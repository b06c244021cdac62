package dev.tessera.image.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Labelled square RGB images held as bytes on the host, turned into tensors one batch at a time.
 *
 * <p>The arrays are shared, not copied: nothing may modify them after construction.
 *
 * @param size side in pixels
 * @param pixels {@code (N, size, size, 3)} uint8 RGB, row-major
 * @param labels {@code (N)} class of each image, in {@code [0, classNames.size())}
 * @param classNames name of each class
 */
public record ImageSet(int size, byte[] pixels, int[] labels, List<String> classNames) {

    public ImageSet {
        classNames = List.copyOf(classNames);
        long per = 3L * size * size;
        if (size <= 0 || pixels.length % per != 0 || pixels.length / per != labels.length) {
            throw new IllegalArgumentException("expected " + labels.length + " images of " + size + "x" + size
                    + "x3 bytes (" + labels.length * per + " bytes), got " + pixels.length + " bytes");
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException("label " + label + " is outside [0, " + classNames.size() + ")");
            }
        }
    }

    public int count() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** A copy of image {@code i}, {@code (size, size, 3)} bytes. */
    public byte[] image(int i) {
        int per = 3 * size * size;
        byte[] out = new byte[per];
        System.arraycopy(pixels, i * per, out, 0, per);
        return out;
    }

    /** The images at {@code indices}, in that order, as a new set. */
    public ImageSet subset(int[] indices) {
        int per = 3 * size * size;
        byte[] px = new byte[indices.length * per];
        int[] lab = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(pixels, indices[j] * per, px, j * per, per);
            lab[j] = labels[indices[j]];
        }
        return new ImageSet(size, px, lab, classNames);
    }

    /** Images at {@code indices} without augmentation; see {@link #batch(NDManager, int[], Augmentation, SplittableRandom)}. */
    public NDArray batch(NDManager manager, int[] indices) {
        return batch(manager, indices, Augmentation.NONE, null);
    }

    /**
     * The images at {@code indices} as one float tensor scaled to [-1, 1] ({@code x / 127.5 - 1}).
     *
     * @param augmentation applied per image on the host before scaling
     * @param random draws of the augmentation; may be null when it draws nothing
     * @return {@code (B, 3, size, size)} float32
     */
    public NDArray batch(NDManager manager, int[] indices, Augmentation augmentation, SplittableRandom random) {
        int hw = size * size;
        float[] out = new float[indices.length * 3 * hw];
        byte[] src = new byte[3 * hw];
        byte[] dst = new byte[3 * hw];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(pixels, indices[j] * 3 * hw, src, 0, 3 * hw);
            byte[] img = augmentation.isIdentity() ? src : augmentation.apply(src, size, random, dst);
            int base = j * 3 * hw;
            for (int p = 0; p < hw; p++) { // (H, W, 3) -> (3, H, W)
                out[base + p] = (img[3 * p] & 0xFF) / 127.5f - 1f;
                out[base + hw + p] = (img[3 * p + 1] & 0xFF) / 127.5f - 1f;
                out[base + 2 * hw + p] = (img[3 * p + 2] & 0xFF) / 127.5f - 1f;
            }
        }
        return manager.create(out, new Shape(indices.length, 3, size, size));
    }

    /** Labels at {@code indices}: {@code (B)} int64. */
    public NDArray labelBatch(NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int j = 0; j < indices.length; j++) {
            out[j] = labels[indices[j]];
        }
        return manager.create(out);
    }

    /** Inverse of the scaling in {@link #batch}: {@code (B, 3, H, W)} in [-1, 1] to {@code (B, H, W, 3)} bytes. */
    public static byte[] toBytes(NDArray images) {
        long[] s = images.getShape().getShape();
        if (s.length != 4 || s[1] != 3) {
            throw new IllegalArgumentException("expected images of shape (B, 3, H, W), got " + images.getShape());
        }
        int b = (int) s[0];
        int hw = (int) (s[2] * s[3]);
        float[] v = images.toFloatArray();
        float[] hwc = new float[v.length];
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < hw; p++) {
                for (int c = 0; c < 3; c++) {
                    hwc[(i * hw + p) * 3 + c] = (v[(i * 3 + c) * hw + p] + 1f) * 127.5f;
                }
            }
        }
        return RgbImages.toBytes(hwc);
    }
}
