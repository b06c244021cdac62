package dev.tessera.core.eval;

import dev.tessera.core.bench.BenchReport;

/**
 * A quality evaluation on held-out data, run by {@code tessera eval <name>} and found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.tessera.core.eval.EvalSuite}). Like a
 * benchmark it reports the thing next to its baseline in one run (DESIGN.md, "How we measure"), so it
 * returns the same table-and-JSON {@link BenchReport}.
 */
public interface EvalSuite {

    /** Name on the command line, e.g. {@code vocoder}. */
    String name();

    /** One line for {@code tessera eval --help}: what is scored, on what, against which baseline. */
    String description();

    /**
     * Runs the evaluation.
     *
     * @throws IllegalArgumentException for a bad setting (usage error)
     * @throws Exception for a failure (missing model or data), with a message a person can act on
     */
    BenchReport run(EvalOptions options) throws Exception;
}
