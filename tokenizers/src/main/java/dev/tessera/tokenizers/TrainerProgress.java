package dev.tessera.tokenizers;

/**
 * Hears how far a trainer has come: BPE after each merge (merges made of the merges to make), Unigram after each
 * EM round (rounds run of the rounds expected). Called on the training thread; it may throw an unchecked
 * exception to stop training (a cancelled job), which the trainer lets through.
 */
@FunctionalInterface
public interface TrainerProgress {

    /** Listens to nothing. */
    TrainerProgress NONE = (done, total) -> { };

    /** {@code done} of {@code total} units of work; {@code done == total} once, at the end. */
    void progress(long done, long total);
}
