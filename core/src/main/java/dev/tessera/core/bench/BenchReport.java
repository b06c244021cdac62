package dev.tessera.core.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one suite run: a table (ordered columns, one row per measurement), free-form notes
 * (the machine, what the reference is) and the environment. Printed as a fixed-width table and
 * written as JSON under {@code bench/results/}.
 */
public final class BenchReport {

    private final String suite;
    private final List<String> columns;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Instant startedAt = Instant.now();

    public BenchReport(String suite, List<String> columns) {
        this.suite = suite;
        this.columns = List.copyOf(columns);
    }

    public String suite() {
        return suite;
    }

    /** Adds a row; values are given in column order (numbers, strings or null). */
    public BenchReport row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " values " + columns + ", got "
                    + values.length);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(columns.get(i), values[i]);
        }
        rows.add(row);
        return this;
    }

    public BenchReport note(String note) {
        notes.add(note);
        return this;
    }

    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public JsonObject toJson() {
        JsonArray jsonRows = new JsonArray();
        rows.forEach(r -> jsonRows.add(new JsonObject(new LinkedHashMap<>(r))));
        Runtime rt = Runtime.getRuntime();
        return new JsonObject()
                .put("suite", suite)
                .put("startedAt", startedAt.toString())
                .put("columns", new JsonArray(columns))
                .put("rows", jsonRows)
                .put("notes", new JsonArray(notes))
                .put("environment", new JsonObject()
                        .put("cpus", rt.availableProcessors())
                        .put("maxHeapMiB", rt.maxMemory() >> 20)
                        .put("java", System.getProperty("java.version"))
                        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    }

    /** A fixed-width text table, numbers with 3 significant decimals, then the notes. */
    public String toTable() {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.toArray(String[]::new));
        for (Map<String, Object> r : rows) {
            cells.add(columns.stream().map(c -> format(r.get(c))).toArray(String[]::new));
        }
        int[] width = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("== bench ").append(suite).append(" ==\n");
        for (int li = 0; li < cells.size(); li++) {
            String[] line = cells.get(li);
            for (int i = 0; i < line.length; i++) {
                sb.append(i == 0 ? "" : "  ").append(pad(line[i], width[i], i > 0 && li > 0));
            }
            sb.append('\n');
            if (li == 0) {
                for (int i = 0; i < width.length; i++) {
                    sb.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
                }
                sb.append('\n');
            }
        }
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        return sb.toString();
    }

    /** Writes the JSON atomically to {@code file}, creating its folder. */
    public Path write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String format(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d != 0 && (Math.abs(d) >= 1e6 || Math.abs(d) < 1e-3)) {
                return String.format(Locale.ROOT, "%.3e", d);
            }
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return v.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }
}
