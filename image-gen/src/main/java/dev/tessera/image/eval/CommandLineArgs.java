package dev.tessera.image.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --key value} and {@code --flag} arguments of the image family's command-line entry points
 * (training and evaluation mains), checked against the options each one knows, so that a typo is an
 * error with the usage rather than a silently ignored option.
 */
public final class CommandLineArgs {

    /**
     * One option of an entry point, the single list its parser, its usage line and the launcher's help
     * ({@code tessera train --help}) are made from.
     *
     * @param name e.g. {@code --steps}
     * @param value what follows it, e.g. {@code N} (a whole number >= 0, checked when parsing), {@code X} (a
     *     number, checked), {@code DIR} or {@code JSON|FILE}; null for a flag without a value
     * @param help one line: what it does and its default in brackets
     */
    public record Option(String name, String value, String help) {

        public static Option flag(String name, String help) {
            return new Option(name, null, help);
        }

        public static Option value(String name, String value, String help) {
            return new Option(name, value, help);
        }

        /** {@code --steps N}, or the name alone for a flag. */
        public String synopsis() {
            return value == null ? name : name + " " + value;
        }
    }

    private final String usage;
    private final List<String> arguments;
    private final Map<String, String> values;
    private final Set<String> flags;

    private CommandLineArgs(String usage, List<String> arguments, Map<String, String> values, Set<String> flags) {
        this.usage = usage;
        this.arguments = arguments;
        this.values = values;
        this.flags = flags;
    }

    /**
     * @param flagNames options without a value, e.g. {@code --resume}
     * @param valueNames options followed by a value, e.g. {@code --steps}
     * @throws IllegalArgumentException naming an unknown option or a missing value, with the usage
     */
    public static CommandLineArgs parse(String[] argv, String usage, Set<String> flagNames, Set<String> valueNames) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (flagNames.contains(k)) {
                flags.add(k);
            } else if (valueNames.contains(k)) {
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("missing value after " + k + "\n" + usage);
                }
                values.put(k, argv[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + k + "\n" + usage);
            }
        }
        return new CommandLineArgs(usage, List.of(argv), values, flags);
    }

    /**
     * Parses against an option list; values of kind {@code N} and {@code X} are checked here, so a bad
     * number is a usage error before any work starts.
     *
     * @throws IllegalArgumentException naming an unknown option, a missing value or a bad number, with the usage
     */
    public static CommandLineArgs parse(String[] argv, String usage, List<Option> options) {
        Set<String> flags = new LinkedHashSet<>();
        Set<String> values = new LinkedHashSet<>();
        for (Option o : options) {
            (o.value() == null ? flags : values).add(o.name());
        }
        CommandLineArgs a = parse(argv, usage, flags, values);
        for (Option o : options) {
            if (!a.has(o.name())) {
                continue;
            }
            if ("N".equals(o.value()) && a.longValue(o.name(), 0) < 0) {
                throw new IllegalArgumentException(o.name() + " needs a whole number >= 0, got '" + a.string(o.name(), "")
                        + "'\n" + usage);
            }
            if ("X".equals(o.value())) {
                a.doubleValue(o.name(), 0);
            }
        }
        return a;
    }

    /** {@code usage: <program> --a X [--b] ...}: every option in brackets, in list order. */
    public static String usage(String program, List<Option> options) {
        StringBuilder sb = new StringBuilder("usage: ").append(program);
        options.forEach(o -> sb.append(" [").append(o.synopsis()).append(']'));
        return sb.toString();
    }

    /** Help lines {@code --steps N   optimizer steps (6000)}, leaving out {@code skip}. */
    public static List<String> helpLines(List<Option> options, Set<String> skip) {
        List<String> lines = new ArrayList<>();
        for (Option o : options) {
            if (!skip.contains(o.name())) {
                lines.add(String.format("%-24s %s", o.synopsis(), o.help()));
            }
        }
        return lines;
    }

    /** The arguments as given, e.g. for a model card's "command" line. */
    public List<String> arguments() {
        return arguments;
    }

    public String usage() {
        return usage;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public Path path(String name, Path fallback) {
        String v = values.get(name);
        return v == null ? fallback : Path.of(v);
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + v + "'\n" + usage, e);
        }
    }

    public int intValue(String name, int fallback) {
        return Math.toIntExact(longValue(name, fallback));
    }

    public double doubleValue(String name, double fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + v + "'\n" + usage, e);
        }
    }
}
