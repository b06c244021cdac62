package dev.tessera.web.cli;

import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.json.TokenizerMeta;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.MidiFormatException;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.WordSplit;
import dev.tessera.tokenizers.serving.ServedTokenizer;
import dev.tessera.tokenizers.serving.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tessera tokenizer train}: a tokenizer from a folder of files, with a progress bar. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Train a BPE or Unigram tokenizer on a folder of files.",
        description = {
            "Reads every file under --input (recursively, in path order; --glob narrows it), trains and writes "
                    + "--out (tokenizer.json, readable by Hugging Face tokenizers) and its side file NAME.meta.json "
                    + "(trainer, settings, corpus hash). Text files must be UTF-8; others are skipped and counted.",
            "Text and code: byte-level BPE on GPT-2 words by default, Unigram on SentencePiece (Metaspace) words; "
                    + "--pre-tokenizer picks a code-aware split instead. Music: --music remi|tsd reads MIDI files "
                    + "(*.mid, *.midi), turns them into events and trains over one word per bar (or beat).",
            "Shows a progress bar on a terminal (merges for BPE, EM rounds for Unigram), else a line every 10%."},
        footer = {"", "Examples:",
            "  tessera tokenizer train --type bpe --vocab 16000 --input data/code/train --out code.json",
            "  tessera tokenizer train --type unigram --vocab 8000 --input docs --glob '*.md' --out text.json",
            "  tessera tokenizer train --type bpe --vocab 32000 --pre-tokenizer code-composite \\",
            "      --input data/code/train --out composite.json",
            "  tessera tokenizer train --type unigram --vocab 2000 --music remi --input data/midi --out remi.json"})
final class TokenizerTrainCommand implements Callable<Integer> {

    @Option(names = "--type", required = true, paramLabel = "bpe|unigram", description = "The trainer.")
    String type;

    @Option(names = "--vocab", required = true, paramLabel = "N",
            description = "Vocabulary size, special tokens included (for music, above the base events, ~400).")
    int vocab;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Folder of training files.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The tokenizer.json to write; its side file goes beside it.")
    Path out;

    @Option(names = "--pre-tokenizer", paramLabel = "NAME",
            description = "gpt2, metaspace, code-fine, code-ident or code-composite. Default: gpt2 for BPE, "
                    + "metaspace for Unigram.")
    String preTokenizer;

    @Option(names = "--music", paramLabel = "remi|tsd", description = "Train on MIDI files in this event layout.")
    String music;

    @Option(names = "--split", defaultValue = "bar", paramLabel = "bar|beat",
            description = "Music words: one per bar or per beat. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--max-piece-length", defaultValue = "16", paramLabel = "N",
            description = "Unigram's longest piece, in characters (music: events). Default: ${DEFAULT-VALUE}.")
    int maxPieceLength;

    @Option(names = "--special", paramLabel = "TOKEN",
            description = "A special token (repeatable), ids from 0 in the order given; text only.")
    List<String> specials = new ArrayList<>();

    @Option(names = "--glob", paramLabel = "PATTERN",
            description = "Only files whose name matches, e.g. '*.java'. Default: every file (music: *.mid, *.midi).")
    String glob;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for counting and training. Default: every core.")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("bar") && !split.equals("beat")) {
            throw new ParameterException(spec.commandLine(), "--split must be bar or beat, got '" + split + "'");
        }
        if (!Files.isDirectory(input)) {
            throw new ParameterException(spec.commandLine(), "--input " + input + " is not a folder");
        }
        TrainingSpec trainingSpec;
        try {
            trainingSpec = new TrainingSpec(type, vocab, preTokenizer, specials, music,
                    WordSplit.valueOf(split.toUpperCase(Locale.ROOT)), maxPieceLength,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = files(trainingSpec.music());
        long t0 = System.nanoTime();
        ServedTokenizer trained;
        int skipped = 0;
        long bytes = 0;
        String task = "train " + trainingSpec.type() + (trainingSpec.music() ? " " + music : "");
        try (Progress progress = new Progress(task, err)) {
            if (trainingSpec.music()) {
                List<Score> scores = new ArrayList<>();
                for (Path f : files) {
                    try {
                        scores.add(MidiFiles.read(f));
                        bytes += Files.size(f);
                    } catch (MidiFormatException e) {
                        skipped++;
                    }
                }
                requireSome(scores.size(), files.size());
                trained = trainingSpec.trainMusic(scores, progress);
            } else {
                List<String> documents = new ArrayList<>();
                for (Path f : files) {
                    byte[] raw = Files.readAllBytes(f);
                    try {
                        documents.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw))
                                .toString());
                        bytes += raw.length;
                    } catch (CharacterCodingException e) {
                        skipped++;
                    }
                }
                requireSome(documents.size(), files.size());
                trained = trainingSpec.trainText(documents, progress);
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        trained.write(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "trained %s: vocabulary %d from %d files (%.1f MB%s) in %.1f s -> %s and %s%n",
                task.substring("train ".length()), trained.vocabSize(), files.size() - skipped, bytes / 1e6,
                skipped == 0 ? "" : ", " + skipped + " skipped as not " + (trainingSpec.music() ? "MIDI" : "UTF-8"),
                (System.nanoTime() - t0) / 1e9, out, TokenizerMeta.pathFor(out).getFileName());
        o.flush();
        return 0;
    }

    private void requireSome(int usable, int found) {
        if (usable == 0) {
            throw new ParameterException(spec.commandLine(), "none of the " + found + " files under " + input
                    + " can be read as " + (music != null ? "MIDI" : "UTF-8 text"));
        }
    }

    private List<Path> files(boolean midi) throws IOException {
        PathMatcher matcher = glob != null ? FileSystems.getDefault().getPathMatcher("glob:" + glob)
                : midi ? FileSystems.getDefault().getPathMatcher("glob:*.{mid,midi,MID,MIDI}") : null;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> matcher == null || matcher.matches(p.getFileName())).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no files under " + input
                    + (matcher == null ? "" : " match " + (glob != null ? glob : "*.mid, *.midi")));
        }
        return files;
    }

    /** A progress bar on a terminal, else a line every 10% on standard error. */
    private static final class Progress implements TrainerProgress, AutoCloseable {
        private final String task;
        private final PrintWriter lines;
        private final boolean bar = System.console() != null;
        private ProgressBar progressBar;
        private long lastTenth = -1;

        Progress(String task, PrintWriter lines) {
            this.task = task;
            this.lines = lines;
        }

        @Override
        public void progress(long done, long total) {
            if (bar) {
                if (progressBar == null) {
                    progressBar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
                }
                progressBar.maxHint(total);
                progressBar.stepTo(done);
                return;
            }
            long tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                lines.printf(Locale.ROOT, "%s: %d of %d (%d%%)%n", task, done, total, tenth * 10);
                lines.flush();
            }
        }

        @Override
        public void close() {
            if (progressBar != null) {
                progressBar.close();
            }
        }
    }
}
