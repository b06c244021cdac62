package dev.tessera.core.bench;

/**
 * A benchmark suite run by {@code tessera bench <name>}, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.tessera.core.bench.BenchSuite}). A suite always measures the thing and
 * its reference side by side in one run and reports their ratio; absolute times vary by machine.
 */
public interface BenchSuite {

    /** Name on the command line, e.g. {@code engine}, {@code bus}. */
    String name();

    /** One line for {@code tessera bench --help}. */
    String description();

    /** Runs the suite; {@code options.quick()} asks for a short run (smoke tests, CI). */
    BenchReport run(BenchOptions options) throws Exception;
}
