package dev.tessera.image.eval;

import java.nio.file.Path;
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
