package dev.tessera.tokenizers.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code spm_train} and {@code spm_encode} (package {@code sentencepiece}), started with
 * {@link ProcessBuilder} and timed; peak memory comes from GNU {@code time -v} when {@code /usr/bin/time} is
 * there. The flags are spec §7's, which bring SentencePiece closest to our Metaspace words, plus
 * {@code --bos_id=-1 --eos_id=-1} so that both vocabularies hold {@code <unk>} as their only special piece.
 */
final class SentencePieceCli {

    /** One training run: wall seconds, peak resident memory in KiB (-1 when unknown), the model's pieces. */
    record Training(double seconds, long maxRssKiB, Path model, Set<String> pieces) {
    }

    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private final Path train;
    private final Path encode;
    private final Path gnuTime;

    private SentencePieceCli(Path train, Path encode, Path gnuTime) {
        this.train = train;
        this.encode = encode;
        this.gnuTime = gnuTime;
    }

    /** The programs on the {@code PATH}, or null when {@code spm_train} or {@code spm_encode} is missing. */
    static SentencePieceCli find() {
        Path train = onPath("spm_train");
        Path encode = onPath("spm_encode");
        if (train == null || encode == null) {
            return null;
        }
        Path time = Path.of("/usr/bin/time");
        return new SentencePieceCli(train, encode, Files.isExecutable(time) ? time : null);
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The version {@code spm_train --version} prints, e.g. {@code sentencepiece 0.1.97}. */
    String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(train.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.isEmpty() ? "sentencepiece" : out.lines().findFirst().orElse(out);
    }

    /** Trains {@code modelType} (unigram or bpe) on a one-sentence-per-line file. */
    Training train(Path input, Path dir, String modelType, int vocabSize, int threads)
            throws IOException, InterruptedException {
        Path prefix = dir.resolve("spm-" + modelType);
        List<String> command = new ArrayList<>();
        if (gnuTime != null) {
            command.add(gnuTime.toString());
            command.add("-v");
        }
        command.addAll(List.of(train.toString(), "--input=" + input, "--model_prefix=" + prefix,
                "--model_type=" + modelType, "--vocab_size=" + vocabSize, "--character_coverage=0.9995",
                "--max_sentencepiece_length=16", "--num_threads=" + threads, "--input_sentence_size=0",
                "--max_sentence_length=1000000", "--normalization_rule_name=identity",
                "--remove_extra_whitespaces=false", "--split_by_whitespace=true", "--split_by_unicode_script=false",
                "--split_by_number=false", "--split_digits=false", "--allow_whitespace_only_pieces=true",
                "--byte_fallback=false", "--bos_id=-1", "--eos_id=-1"));
        Path log = dir.resolve("spm-" + modelType + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IOException("spm_train exited with " + rc + "; its output is in " + log + ":\n"
                    + tail(output));
        }
        long rss = -1;
        Matcher m = MAX_RSS.matcher(output);
        if (m.find()) {
            rss = Long.parseLong(m.group(1));
        }
        Set<String> pieces = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(prefix + ".vocab"), StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            pieces.add(tab < 0 ? line : line.substring(0, tab));
        }
        return new Training(seconds, rss, Path.of(prefix + ".model"), pieces);
    }

    /** Token count of each line of {@code input} ({@code spm_encode --output_format=id}). */
    long[] encodeCounts(Path model, Path input, Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve("spm-ids.txt");
        Process p = new ProcessBuilder(encode.toString(), "--model=" + model, "--output_format=id")
                .redirectInput(input.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("spm-encode.log").toFile()).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("spm_encode exited with " + rc + "; see " + dir.resolve("spm-encode.log"));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        long[] counts = new long[lines.size()];
        for (int i = 0; i < counts.length; i++) {
            String line = lines.get(i).trim();
            counts[i] = line.isEmpty() ? 0 : line.split(" ").length;
        }
        return counts;
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    }
}
