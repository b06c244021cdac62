package dev.tessera.tokenizers.serving;

import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tokenizers a node serves, by name: every {@code NAME.json} in the folder (with its {@code NAME.meta.json}
 * side file when there is one), plus those trained and installed while it runs. Shared by the encode, decode and
 * train verticles of one node; thread-safe.
 */
public final class TokenizerStore {

    /** Names are file stems: letters, digits, '.', '_' and '-', at most 64. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path dir;
    private final Map<String, ServedTokenizer> byName = new ConcurrentHashMap<>();

    private TokenizerStore(Path dir) {
        this.dir = dir;
    }

    /** The tokenizer files of {@code dir}, in name order: {@code *.json} but side files and {@code serving.json}. */
    public static List<Path> tokenizerFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(TokenizerStore::isTokenizerFile).sorted().toList();
        }
    }

    private static boolean isTokenizerFile(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && name.endsWith(".json") && !name.endsWith(".meta.json")
                && !name.equals("serving.json") && NAME.matcher(stem(p)).matches();
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    /** Reads every tokenizer file of {@code dir}; a file that cannot be read fails the whole load, naming it. */
    public static TokenizerStore load(Path dir) throws IOException {
        TokenizerStore store = new TokenizerStore(dir);
        for (Path file : tokenizerFiles(dir)) {
            try {
                store.byName.put(stem(file), ServedTokenizer.read(file));
            } catch (RuntimeException e) {
                throw new IOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
            }
        }
        return store;
    }

    public Path dir() {
        return dir;
    }

    /** Name to tokenizer, in name order. */
    public Map<String, ServedTokenizer> all() {
        return new TreeMap<>(byName);
    }

    /**
     * The tokenizer called {@code name}; with no name, the only one there is. Unknown names and an ambiguous
     * choice are bad input that lists the names served.
     */
    public ServedTokenizer get(String name) {
        if (name == null) {
            if (byName.size() == 1) {
                return byName.values().iterator().next();
            }
            throw JobFailure.badInput("tokenizer", byName.isEmpty() ? "no tokenizer is installed; train one with "
                    + "tessera.tokenizers.train and a name" : "name a tokenizer: this node serves " + names());
        }
        ServedTokenizer t = byName.get(name);
        if (t == null) {
            throw new JobFailure(FailureCode.NOT_FOUND, "no tokenizer named '" + name + "'; this node serves "
                    + names());
        }
        return t;
    }

    /** The name {@link #get} resolves {@code name} to. */
    public String resolve(String name) {
        if (name == null && byName.size() == 1) {
            return byName.keySet().iterator().next();
        }
        get(name);
        return name;
    }

    /**
     * Writes {@code tokenizer} as {@code NAME.json} (and its side file) and serves it from now on; an existing
     * name is replaced only when {@code overwrite}.
     */
    public synchronized void install(String name, ServedTokenizer tokenizer, boolean overwrite) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw JobFailure.badInput("name", "a tokenizer name is 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit; got '" + name + "'");
        }
        if (!overwrite && byName.containsKey(name)) {
            throw new JobFailure(FailureCode.CONFLICT, "a tokenizer named '" + name + "' exists; send overwrite: "
                    + "true to replace it");
        }
        Files.createDirectories(dir);
        tokenizer.write(dir.resolve(name + ".json"));
        byName.put(name, tokenizer);
    }

    private String names() {
        return byName.isEmpty() ? "none" : String.join(", ", new TreeMap<>(byName).keySet());
    }
}
