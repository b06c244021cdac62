package dev.tessera.image.eval;

import dev.tessera.image.data.ImageSet;
import dev.tessera.image.data.RgbImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Any folder of PNGs (any size, any colour mode) prepared like the training data, so that the
 * reconstruction metrics can be measured on images the tokenizer never saw.
 *
 * <p>Each image is composited on white in sRGB values ({@link RgbImages#compositeOnWhite}: grey,
 * palette, RGB and RGBA alike), padded with white to a centred square if it is not square, and
 * area-resampled to {@code size} px: by {@link RgbImages#areaDownsample} when the side is an integer
 * multiple of {@code size} (exactly the emoji set's preparation), otherwise by the same box filter with
 * fractional pixel coverage (which also enlarges images smaller than {@code size}); then rounded to uint8.
 *
 * <p>PNGs are found recursively, in sorted path order. An image's label is the name of the first-level
 * sub-folder it lies in (images directly in the folder get the label {@code "images"}).
 */
public final class ImageFolder {

    private ImageFolder() {
    }

    /** Loads and prepares every PNG under {@code dir} (at most {@code limit}, 0 = all). */
    public static ImageSet load(Path dir, int size, int limit) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a folder of PNGs");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")).sorted().toList();
        }
        if (limit > 0 && files.size() > limit) {
            files = files.subList(0, limit);
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "no .png files in the folder");
        }
        List<String> classNames = new ArrayList<>();
        int per = 3 * size * size;
        byte[] pixels = new byte[files.size() * per];
        int[] labels = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new IOException(f + " is not a readable PNG");
            }
            System.arraycopy(prepare(img, size), 0, pixels, i * per, per);
            Path rel = dir.relativize(f);
            String label = rel.getNameCount() > 1 ? rel.getName(0).toString() : "images";
            int index = classNames.indexOf(label);
            if (index < 0) {
                classNames.add(label);
                index = classNames.size() - 1;
            }
            labels[i] = index;
        }
        return new ImageSet(size, pixels, labels, classNames);
    }

    /** One image as {@code (size, size, 3)} bytes; see the class comment. */
    public static byte[] prepare(BufferedImage image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] rgb = RgbImages.compositeOnWhite(image);
        int side = Math.max(w, h);
        if (w != h) {
            rgb = padToSquare(rgb, w, h, side);
        }
        if (side % size == 0) {
            return RgbImages.toBytes(RgbImages.areaDownsample(rgb, side, side, side / size));
        }
        return RgbImages.toBytes(areaResample(rgb, side, size));
    }

    /** Centres an {@code (h, w, 3)} image on a white {@code (side, side, 3)} canvas. */
    static float[] padToSquare(float[] rgb, int w, int h, int side) {
        float[] out = new float[side * side * 3];
        java.util.Arrays.fill(out, 255f);
        int x0 = (side - w) / 2;
        int y0 = (side - h) / 2;
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, y * w * 3, out, ((y + y0) * side + x0) * 3, w * 3);
        }
        return out;
    }

    /**
     * Box-filter resampling of a square {@code (side, side, 3)} image to {@code (size, size, 3)}: each
     * output pixel averages the input over its footprint, input pixels weighted by the overlap.
     */
    static float[] areaResample(float[] rgb, int side, int size) {
        double[][] weights = boxWeights(side, size); // (size, side)
        float[] rows = new float[side * size * 3];    // (side, size, 3): resampled along x
        for (int y = 0; y < side; y++) {
            for (int ox = 0; ox < size; ox++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int x = 0; x < side; x++) {
                        double wgt = weights[ox][x];
                        if (wgt != 0) {
                            s += wgt * rgb[(y * side + x) * 3 + c];
                        }
                    }
                    rows[(y * size + ox) * 3 + c] = (float) s;
                }
            }
        }
        float[] out = new float[size * size * 3];
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int y = 0; y < side; y++) {
                        double wgt = weights[oy][y];
                        if (wgt != 0) {
                            s += wgt * rows[(y * size + ox) * 3 + c];
                        }
                    }
                    out[(oy * size + ox) * 3 + c] = (float) s;
                }
            }
        }
        return out;
    }

    /** {@code w[o][i]}: the share of output pixel o's footprint {@code [o f, (o + 1) f)} covered by input pixel i. */
    static double[][] boxWeights(int side, int size) {
        double f = (double) side / size;
        double[][] w = new double[size][side];
        for (int o = 0; o < size; o++) {
            double a = o * f;
            double b = (o + 1) * f;
            for (int i = (int) Math.floor(a); i < Math.min(side, (int) Math.ceil(b)); i++) {
                double overlap = Math.min(b, i + 1) - Math.max(a, i);
                if (overlap > 0) {
                    w[o][i] = overlap / f;
                }
            }
        }
        return w;
    }
}
