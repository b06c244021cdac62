package dev.tessera.image.sample;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * An 8-bit RGB image on the host, row-major {@code (height, width, 3)}, and its PNG form (javax.imageio).
 *
 * @param width pixels
 * @param height pixels
 * @param pixels {@code height * width * 3} bytes, R G B per pixel
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width < 1 || height < 1 || pixels.length != width * height * 3) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " bytes, got " + pixels.length);
        }
    }

    /** Image {@code i} of a {@code (B, H, W, 3)} byte batch. */
    public static RgbImage fromBatch(byte[] hwc, int i, int width, int height) {
        int n = width * height * 3;
        byte[] p = new byte[n];
        System.arraycopy(hwc, i * n, p, 0, n);
        return new RgbImage(width, height, p);
    }

    /** The pixel at {@code (x, y)} as {@code 0xRRGGBB}. */
    public int rgb(int x, int y) {
        int o = (y * width + x) * 3;
        return (pixels[o] & 0xFF) << 16 | (pixels[o + 1] & 0xFF) << 8 | (pixels[o + 2] & 0xFF);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, rgb(x, y));
            }
        }
        return img;
    }

    /** The image as PNG bytes. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + pixels.length);
        try {
            if (!ImageIO.write(toBufferedImage(), "png", out)) {
                throw new IllegalStateException("this JVM has no PNG writer (javax.imageio)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /** Reads a PNG (or any format javax.imageio knows) into RGB; alpha is dropped. */
    public static RgbImage readPng(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("not an image javax.imageio can read (" + png.length + " bytes)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                p[o] = (byte) (v >> 16);
                p[o + 1] = (byte) (v >> 8);
                p[o + 2] = (byte) v;
            }
        }
        return new RgbImage(w, h, p);
    }

    /**
     * A contact sheet: {@code images} (all the same size) in rows of {@code columns}, left to right, top to
     * bottom, {@code gap} pixels of light grey between and around them.
     */
    public static RgbImage sheet(List<RgbImage> images, int columns, int gap) {
        if (images.isEmpty() || columns < 1 || gap < 0) {
            throw new IllegalArgumentException("a sheet needs images, columns >= 1 and gap >= 0");
        }
        int w = images.get(0).width();
        int h = images.get(0).height();
        for (RgbImage im : images) {
            if (im.width() != w || im.height() != h) {
                throw new IllegalArgumentException("sheet images must share one size, got " + w + "x" + h + " and "
                        + im.width() + "x" + im.height());
            }
        }
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int sw = cols * w + (cols + 1) * gap;
        int sh = rows * h + (rows + 1) * gap;
        byte[] p = new byte[sw * sh * 3];
        Arrays.fill(p, (byte) 0xD0);
        for (int i = 0; i < images.size(); i++) {
            int x0 = gap + (i % cols) * (w + gap);
            int y0 = gap + (i / cols) * (h + gap);
            byte[] src = images.get(i).pixels();
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, y * w * 3, p, ((y0 + y) * sw + x0) * 3, w * 3);
            }
        }
        return new RgbImage(sw, sh, p);
    }

    /**
     * A contact sheet with one labelled row per group: the label (e.g. a category name, in black on the
     * sheet's grey) in a column on the left, then the row's images scaled up {@code scale}x (nearest
     * neighbour, so pixels stay visible), {@code gap} pixels apart. Text is drawn with Java2D's default
     * logical font (headless).
     */
    public static RgbImage labelledRows(List<String> labels, List<List<RgbImage>> rows, int scale, int gap) {
        if (labels.size() != rows.size() || rows.isEmpty() || rows.get(0).isEmpty() || scale < 1 || gap < 0) {
            throw new IllegalArgumentException("a labelled sheet needs one label per non-empty row, scale >= 1, gap >= 0");
        }
        int w = rows.get(0).get(0).width() * scale;
        int h = rows.get(0).get(0).height() * scale;
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        java.awt.Font font = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, Math.max(10, h / 5));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D pg = probe.createGraphics();
        java.awt.FontMetrics fm = pg.getFontMetrics(font);
        int labelWidth = labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 2 * gap;
        pg.dispose();
        int sw = labelWidth + columns * (w + gap) + gap;
        int sh = rows.size() * (h + gap) + gap;
        BufferedImage sheet = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = sheet.createGraphics();
        g.setColor(new java.awt.Color(0xD0, 0xD0, 0xD0));
        g.fillRect(0, 0, sw, sh);
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setFont(font);
        for (int r = 0; r < rows.size(); r++) {
            int y0 = gap + r * (h + gap);
            g.setColor(java.awt.Color.BLACK);
            g.drawString(labels.get(r), gap, y0 + (h + fm.getAscent() - fm.getDescent()) / 2);
            for (int c = 0; c < rows.get(r).size(); c++) {
                RgbImage im = rows.get(r).get(c);
                g.drawImage(im.toBufferedImage(), labelWidth + c * (w + gap), y0, w, h, null);
            }
        }
        g.dispose();
        byte[] p = new byte[sw * sh * 3];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int v = sheet.getRGB(x, y);
                int o = (y * sw + x) * 3;
                p[o] = (byte) (v >> 16);
                p[o + 1] = (byte) (v >> 8);
                p[o + 2] = (byte) v;
            }
        }
        return new RgbImage(sw, sh, p);
    }
}
