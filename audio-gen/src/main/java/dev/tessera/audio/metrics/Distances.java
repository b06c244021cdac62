package dev.tessera.audio.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Shape checks shared by the distances. */
final class Distances {

    private Distances() {
    }

    /** The output cropped to the reference's (B, T); both must be (B, ·) with the output at least as long. */
    static NDArray cropTo(NDArray reference, NDArray output) {
        Shape r = reference.getShape();
        Shape o = output.getShape();
        if (r.dimension() != 2 || o.dimension() != 2 || r.get(0) != o.get(0)) {
            throw new IllegalArgumentException("expected (B, T) reference and output with the same B, got " + r
                    + " and " + o);
        }
        if (o.get(1) < r.get(1)) {
            throw new IllegalArgumentException("the output (" + o.get(1) + " samples) is shorter than the reference ("
                    + r.get(1) + " samples)");
        }
        return o.get(1) == r.get(1) ? output : output.get(":, 0:" + r.get(1));
    }
}
