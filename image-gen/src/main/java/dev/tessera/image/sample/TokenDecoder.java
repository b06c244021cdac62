package dev.tessera.image.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.lfq.LfqTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token grids to pictures with the LFQ decoder: finished grids, and previews of partial grids whose pending
 * positions a {@link PreviewFill} fills. One decoder pass per call, whatever the number of grids (about
 * 0.6 GMAC per image at the default size).
 */
public final class TokenDecoder {

    private final LfqTokenizer tokenizer;
    private final PreviewFill fill;

    public TokenDecoder(LfqTokenizer tokenizer, PreviewFill fill) {
        this.tokenizer = tokenizer;
        this.fill = fill;
    }

    public PreviewFill fill() {
        return fill;
    }

    /** Images of complete grids, {@code (n, g^2)} indices in {@code [0, 2^K)}. */
    public List<RgbImage> decode(NDManager manager, List<long[]> grids) {
        int t = tokenizer.config().tokens();
        int size = tokenizer.config().imageSize();
        if (grids.isEmpty()) {
            return List.of();
        }
        long[] flat = new long[grids.size() * t];
        for (int i = 0; i < grids.size(); i++) {
            long[] g = grids.get(i);
            if (g.length != t) {
                throw new IllegalArgumentException("grid " + i + " has " + g.length + " tokens; the tokenizer takes " + t);
            }
            System.arraycopy(g, 0, flat, i * t, t);
        }
        byte[] hwc;
        try (NDManager m = manager.newSubManager()) {
            NDArray images = tokenizer.detokenize(new ParameterStore(m, false),
                    m.create(flat, new Shape(grids.size(), t)));                     // (n, 3, S, S) in [-1, 1]
            hwc = ImageSet.toBytes(images);                                          // (n, S, S, 3) bytes
        }
        List<RgbImage> out = new ArrayList<>(grids.size());
        for (int i = 0; i < grids.size(); i++) {
            out.add(RgbImage.fromBatch(hwc, i, size, size));
        }
        return out;
    }

    /**
     * The code the tokenizer gives blank background: the most frequent token of an all-white image. The
     * fallback neutral code of a model whose config names none (specs/image.md 3 expects the most frequent
     * training code to be exactly that).
     */
    public static long blankCode(LfqTokenizer tokenizer, NDManager manager) {
        int size = tokenizer.config().imageSize();
        long[] tokens;
        try (NDManager m = manager.newSubManager()) {
            tokens = tokenizer.tokenize(new ParameterStore(m, false), m.ones(new Shape(1, 3, size, size)))
                    .toLongArray();                                                  // (1, g^2)
        }
        Map<Long, Integer> counts = new HashMap<>();
        for (long t : tokens) {
            counts.merge(t, 1, Integer::sum);
        }
        long best = tokens[0];
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            int bestCount = counts.get(best);
            if (c > bestCount || (c == bestCount && e.getKey() < best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Previews of partial grids (-1 = pending), the pending positions filled by {@link #fill()}. */
    public List<RgbImage> preview(NDManager manager, List<long[]> partialGrids) {
        List<long[]> filled = new ArrayList<>(partialGrids.size());
        for (long[] g : partialGrids) {
            filled.add(fill.fill(g));
        }
        return decode(manager, filled);
    }
}
