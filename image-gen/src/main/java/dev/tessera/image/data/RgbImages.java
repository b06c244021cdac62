package dev.tessera.image.data;

import java.awt.image.BufferedImage;

/**
 * Pixel operations shared by the emoji set and the procedural shapes: alpha compositing on white and
 * area (box) downsampling. Images are interleaved RGB, row-major, {@code (H, W, 3)}, values in [0, 255]
 * as floats until {@link #toBytes} rounds them.
 *
 * <p>Resampling, as documented in the data card: composite each 64x64 RGBA pixel on white in sRGB-encoded
 * values, {@code c = a c_rgb + (1 - a) 255}, then average every {@code f x f} block (area downsampling,
 * the same as PIL's BOX filter at an integer factor; for a factor of 2 it is exact, there is no phase
 * choice to make), then round half up to uint8. Averaging in encoded rather than linear light is the
 * common convention of image-model datasets; it darkens thin bright-on-dark strokes slightly.
 */
public final class RgbImages {

    private RgbImages() {
    }

    /** Composites a (possibly translucent) image on white: {@code (H, W, 3)} floats in [0, 255]. */
    public static float[] compositeOnWhite(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[h * w * 3];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w); // non-premultiplied sRGB, whatever the PNG type
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            float a = ((p >>> 24) & 0xFF) / 255f;
            float white = (1f - a) * 255f;
            out[3 * i] = a * ((p >>> 16) & 0xFF) + white;
            out[3 * i + 1] = a * ((p >>> 8) & 0xFF) + white;
            out[3 * i + 2] = a * (p & 0xFF) + white;
        }
        return out;
    }

    /**
     * Averages every {@code factor x factor} block of an {@code (H, W, 3)} image into one pixel.
     *
     * @return {@code (H / factor, W / factor, 3)}
     */
    public static float[] areaDownsample(float[] rgb, int width, int height, int factor) {
        if (factor < 1 || width % factor != 0 || height % factor != 0) {
            throw new IllegalArgumentException("cannot area-downsample " + width + "x" + height + " by " + factor
                    + ": the factor must divide both sides");
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " values for a " + width + "x"
                    + height + " RGB image, got " + rgb.length);
        }
        int ow = width / factor;
        int oh = height / factor;
        float[] out = new float[ow * oh * 3];
        float inv = 1f / (factor * factor);
        for (int y = 0; y < height; y++) {
            int oy = y / factor;
            for (int x = 0; x < width; x++) {
                int o = 3 * (oy * ow + x / factor);
                int s = 3 * (y * width + x);
                out[o] += rgb[s];
                out[o + 1] += rgb[s + 1];
                out[o + 2] += rgb[s + 2];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] *= inv;
        }
        return out;
    }

    /** Rounds [0, 255] floats (half up) and clamps them into bytes. */
    public static byte[] toBytes(float[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int v = (int) Math.floor(values[i] + 0.5f);
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }
}
