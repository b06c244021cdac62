package dev.tessera.core.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The loss of one step: the scalar that is differentiated, and each term it is made of by name (e.g.
 * {@code commit}, {@code entropy}) so that progress can show them; the terms are reported, never
 * differentiated separately.
 *
 * @param total scalar loss, shape () or (1)
 * @param terms named parts of {@code total}, each a scalar; may be empty
 */
public record StepLoss(NDArray total, Map<String, NDArray> terms) {

    public StepLoss {
        if (total.size() != 1) {
            throw new IllegalArgumentException("the loss must be a scalar, got shape " + total.getShape());
        }
        terms = Map.copyOf(terms);
    }

    public static StepLoss of(NDArray total) {
        return new StepLoss(total, Map.of());
    }
}
