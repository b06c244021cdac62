package dev.tessera.image.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.joml.Intersectionf;
import org.joml.Matrix3x2f;
import org.joml.Vector2f;

/**
 * Procedural test images: one filled circle, square or triangle in a saturated colour on white, so that
 * tests have small labelled data without any download. The same seed gives the same images on every
 * machine ({@link SplittableRandom} is specified bit for bit).
 *
 * <p>Shapes are rendered at {@code SUPERSAMPLE x} the output size (a subpixel is inside or outside) and
 * area-downsampled with {@link RgbImages#areaDownsample}, the resampling of the emoji set, so edges are
 * anti-aliased the same way. Geometry uses JOML: rotations as {@link Matrix3x2f}, inside tests from
 * {@link Intersectionf}.
 *
 * @param size side of the output images in pixels
 * @param seed seed of the generator
 */
public record ShapesGenerator(int size, long seed) {

    public static final List<String> CLASSES = List.of("circle", "square", "triangle");
    /** The colours shapes are drawn in, as RGB. */
    public static final List<int[]> PALETTE = List.of(new int[] {220, 40, 40}, new int[] {40, 170, 60},
            new int[] {40, 80, 220}, new int[] {240, 200, 30}, new int[] {190, 50, 190}, new int[] {30, 190, 200});
    static final int SUPERSAMPLE = 4;

    public ShapesGenerator {
        if (size < 8) {
            throw new IllegalArgumentException("shapes need at least 8x8 pixels, got " + size);
        }
    }

    /** {@code n} images; image {@code i} has class {@code i % 3}, so the classes are balanced. */
    public ImageSet generate(int n) {
        SplittableRandom random = new SplittableRandom(seed);
        int per = 3 * size * size;
        byte[] pixels = new byte[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES.size();
            byte[] img = render(labels[i], random);
            System.arraycopy(img, 0, pixels, i * per, per);
        }
        return new ImageSet(size, pixels, labels, CLASSES);
    }

    /**
     * {@code n} shapes (32 px) saved in the layout of the prepared emoji folder ({@link EmojiDataset#save}),
     * every {@code heldOutEvery}-th image held out, subcategory = category: data for end-to-end tests of
     * the training, evaluation and benchmark commands, which read that layout.
     */
    public static EmojiDataset writeEmojiFolder(Path dir, int n, int heldOutEvery, long seed) throws IOException {
        ImageSet images = new ShapesGenerator(EmojiDataset.SIZE, seed).generate(n);
        boolean[] heldOut = new boolean[n];
        List<EmojiEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            heldOut[i] = i % heldOutEvery == heldOutEvery - 1;
            String id = String.format("S%04d", i);
            int c = images.labels()[i];
            entries.add(new EmojiEntry(id, CLASSES.get(c) + i, CLASSES.get(c), c, c, id + ".png", id));
        }
        EmojiDataset d = new EmojiDataset(images, images.labels().clone(), CLASSES, heldOut, entries,
                "procedural shapes, seed " + seed);
        d.save(dir);
        return d;
    }

    /** One image of class {@code shape} ({@code (size, size, 3)} bytes); draws centre, radius, angle, colour. */
    byte[] render(int shape, SplittableRandom random) {
        float cx = size * (0.35f + 0.3f * (float) random.nextDouble());
        float cy = size * (0.35f + 0.3f * (float) random.nextDouble());
        float r = size * (0.2f + 0.15f * (float) random.nextDouble()); // circumradius, pixels
        float angle = (float) (random.nextDouble() * 2 * Math.PI);
        int[] colour = PALETTE.get(random.nextInt(PALETTE.size()));

        // Inverse rotation about the centre: maps a point into the shape's own frame.
        Matrix3x2f toShape = new Matrix3x2f().rotateAbout(angle, cx, cy).invert();
        float half = r / (float) Math.sqrt(2); // square inscribed in the circumcircle
        Vector2f[] tri = new Vector2f[3];
        for (int k = 0; k < 3; k++) {
            double a = angle + k * 2 * Math.PI / 3;
            tri[k] = new Vector2f(cx + r * (float) Math.cos(a), cy + r * (float) Math.sin(a));
        }

        int big = size * SUPERSAMPLE;
        float[] canvas = new float[big * big * 3];
        Vector2f p = new Vector2f();
        Vector2f q = new Vector2f();
        for (int y = 0; y < big; y++) {
            for (int x = 0; x < big; x++) {
                p.set((x + 0.5f) / SUPERSAMPLE, (y + 0.5f) / SUPERSAMPLE);
                boolean inside = switch (shape) {
                    case 0 -> Intersectionf.testPointCircle(p.x, p.y, cx, cy, r * r);
                    case 1 -> {
                        toShape.transformPosition(p, q);
                        yield Math.abs(q.x - cx) <= half && Math.abs(q.y - cy) <= half;
                    }
                    case 2 -> Intersectionf.testPointTriangle(p, tri[0], tri[1], tri[2]);
                    default -> throw new IllegalArgumentException("no shape class " + shape);
                };
                int o = 3 * (y * big + x);
                canvas[o] = inside ? colour[0] : 255;
                canvas[o + 1] = inside ? colour[1] : 255;
                canvas[o + 2] = inside ? colour[2] : 255;
            }
        }
        return RgbImages.toBytes(RgbImages.areaDownsample(canvas, big, big, SUPERSAMPLE));
    }
}
