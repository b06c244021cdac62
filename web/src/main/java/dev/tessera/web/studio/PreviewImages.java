package dev.tessera.web.studio;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Studio previews as the spec sends them (serving spec 2.2): JPEG, longest side at most {@code maxSize}.
 * Small images (the models make 32-64 px tiles) are enlarged by the largest whole factor that fits, with
 * nearest-neighbour sampling, so each token's pixels stay crisp in the page; larger ones are shrunk smoothly.
 */
public final class PreviewImages {

    /** JPEG quality: previews are seen for a fraction of a second. */
    static final float QUALITY = 0.85f;

    private PreviewImages() {
    }

    /** A PNG (or any image ImageIO reads) as a JPEG whose longest side is at most {@code maxSize}. */
    public static byte[] toJpeg(byte[] image, int maxSize) {
        try {
            BufferedImage in = ImageIO.read(new ByteArrayInputStream(image));
            if (in == null) {
                throw new IllegalArgumentException("the preview is not an image ImageIO can read");
            }
            int longest = Math.max(in.getWidth(), in.getHeight());
            int w;
            int h;
            Object interpolation;
            if (longest <= maxSize) {
                int factor = maxSize / longest;
                w = in.getWidth() * factor;
                h = in.getHeight() * factor;
                interpolation = RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR;
            } else {
                double scale = maxSize / (double) longest;
                w = Math.max(1, (int) Math.round(in.getWidth() * scale));
                h = Math.max(1, (int) Math.round(in.getHeight() * scale));
                interpolation = RenderingHints.VALUE_INTERPOLATION_BILINEAR;
            }
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB); // JPEG has no alpha
            Graphics2D g = rgb.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.drawImage(in, 0, 0, w, h, null);
            g.dispose();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(QUALITY);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
