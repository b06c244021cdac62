package dev.tessera.web.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The suites a command can run ({@code tessera bench}, {@code tessera eval}): found with ServiceLoader,
 * sorted by name, listed, chosen by name with a usage error naming the others.
 *
 * @param <S> the suite interface
 */
final class Suites<S> {

    private final List<S> all;
    private final Function<S, String> name;
    private final Function<S, String> description;

    Suites(Class<S> type, Function<S, String> name, Function<S, String> description) {
        this.all = ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(name)).toList();
        this.name = name;
        this.description = description;
    }

    List<S> all() {
        return all;
    }

    /** Prints one line per suite: its name and what it does. */
    void list(PrintWriter out) {
        all.forEach(s -> out.printf("%-12s %s%n", name.apply(s), description.apply(s)));
        out.flush();
    }

    /** The suite called {@code wanted}; a usage error (exit 2) when none is named or none has that name. */
    S choose(CommandLine cmd, String wanted, String kind) {
        if (wanted == null) {
            throw new ParameterException(cmd, "name a suite to run (" + names() + "), or --list");
        }
        return all.stream().filter(s -> name.apply(s).equals(wanted)).findFirst()
                .orElseThrow(() -> new ParameterException(cmd, "no " + kind + " named '" + wanted + "'; suites: "
                        + names()));
    }

    String names() {
        return all.isEmpty() ? "none in this build" : String.join(", ", all.stream().map(name).toList());
    }

    /** The "Suites:" block appended to the command's help. */
    String help() {
        StringBuilder sb = new StringBuilder(String.format("%nSuites:%n"));
        all.forEach(s -> sb.append(String.format("  %-12s %s%n", name.apply(s), description.apply(s))));
        return sb.toString();
    }
}
