package dev.tessera.tokenizers.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.tessera.core.bench.BenchOptions;
import dev.tessera.core.bench.BenchReport;
import dev.tessera.core.bench.BenchSuite;
import dev.tessera.tokenizers.ByteAlphabet;
import dev.tessera.tokenizers.PreTokenizer;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.Utf8;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.bpe.BpeModel;
import dev.tessera.tokenizers.bpe.BpeTrainer;
import dev.tessera.tokenizers.bpe.BpeTrainerConfig;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.MidiFormatException;
import dev.tessera.tokenizers.music.MusicSubwordTokenizer;
import dev.tessera.tokenizers.music.MusicTokenizer;
import dev.tessera.tokenizers.music.MusicTokenizerConfig;
import dev.tessera.tokenizers.music.PitchClassEntropy;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.SequenceLength;
import dev.tessera.tokenizers.music.StructureIndicator;
import dev.tessera.tokenizers.music.TokenSequence;
import dev.tessera.tokenizers.music.WordSplit;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer.Variant;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import dev.tessera.tokenizers.pretokenize.MetaspacePreTokenizer;
import dev.tessera.tokenizers.unigram.UnigramModel;
import dev.tessera.tokenizers.unigram.UnigramTrainer;
import dev.tessera.tokenizers.unigram.UnigramTrainerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntToLongFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code tessera bench tokenizers} (spec §7): each figure side by side with its reference, measured in the same
 * run, with the ratio ours ÷ reference.
 *
 * <ul>
 *   <li><b>encode</b>: MB/s of byte-level BPE (GPT-2 pre-tokenizer) and Unigram (Metaspace), trained here on JDK
 *       sources, against Hugging Face tokenizers through DJL loading the same {@code tokenizer.json}: one thread
 *       (our {@code encode} vs DJL's {@code encode}, file by file; BPE with our word cache on and off), and all
 *       cores (ours on a {@link ForkJoinPool} vs DJL's {@code batchEncode}, HF's own Rayon pool, and vs DJL's
 *       {@code encode} from as many Java threads). 2 warm-up passes, then the median of 5; every pass checks the
 *       ids of each file against HF's, so the benchmark is also a parity check.</li>
 *   <li><b>train</b>: our BPE and Unigram against Debian's {@code spm_train} on the same one-line-per-sentence
 *       file at the same vocabulary size: wall seconds, peak memory, held-out tokens per byte
 *       ({@code spm_encode}), and the Jaccard overlap of the piece sets. Skipped, with a note, without
 *       {@code spm_train} on the {@code PATH}.</li>
 *   <li><b>code</b>: held-out tokens per byte of the code-aware pre-tokenizers ({@code code-fine},
 *       {@code code-ident}, {@code code-composite}) against plain {@code gpt2}+BPE at the same vocabulary size,
 *       with BPE and Unigram; with encode MB/s, round-trip exactness and the share of tokens that join an
 *       identifier character and punctuation.</li>
 *   <li><b>music</b>: tokens per bar (and note) of BPE and Unigram over REMI+ and TSD events of {@code data/midi}
 *       against the events themselves; the sequence-length reduction; round trips must leave the events, the
 *       pitch-class entropy and the structure indicator unchanged.</li>
 * </ul>
 *
 * <p>Parameters ({@code --param}, defaults; {@code --quick} in brackets): {@code sections}
 * (encode,train,code,music), {@code data} (data), {@code encodeMb} 50 [2], {@code trainMb} 8 [1],
 * {@code heldoutMb} 8 [1], {@code vocab} 16000 [2000] (encode), {@code spmVocab} 8000 [1000],
 * {@code codeVocabs} 16000 [2000] (comma list, e.g. 8000,16000,32000), {@code musicVocabs} 1000,4000 [1000],
 * {@code warmup} 2 [1], {@code reps} 5 [2], {@code threads} (all cores).
 */
public final class TokenizersBench implements BenchSuite {

    public static final List<String> COLUMNS = List.of("section", "case", "metric", "ours", "reference", "ratio",
            "against", "check");

    private static final String HF = "HF tokenizers 0.21 via DJL 0.36";

    @Override
    public String name() {
        return "tokenizers";
    }

    @Override
    public String description() {
        return "encode MB/s vs HF tokenizers (DJL), training vs spm_train, code-aware and music tokens per byte/bar";
    }

    /** The suite's settings, resolved from {@link BenchOptions}. */
    record Settings(Set<String> sections, Path data, long encodeBytes, long trainBytes, long heldOutBytes,
            int vocab, int spmVocab, List<Integer> codeVocabs, List<Integer> musicVocabs, int warmup, int reps,
            int threads) {

        static Settings of(BenchOptions o) {
            boolean q = o.quick();
            Set<String> sections = new HashSet<>(List.of(o.params().getOrDefault("sections",
                    "encode,train,code,music").split(",")));
            for (String s : sections) {
                if (!List.of("encode", "train", "code", "music").contains(s)) {
                    throw new IllegalArgumentException("unknown section '" + s
                            + "'; sections are encode, train, code, music");
                }
            }
            Settings s = new Settings(sections, dataDir(o.params().get("data")),
                    megabytes(o, "encodeMb", q ? 2 : 50), megabytes(o, "trainMb", q ? 1 : 8),
                    megabytes(o, "heldoutMb", q ? 1 : 8), o.intParam("vocab", q ? 2000 : 16000),
                    o.intParam("spmVocab", q ? 1000 : 8000), ints(o, "codeVocabs", q ? "2000" : "16000"),
                    ints(o, "musicVocabs", q ? "1000" : "1000,4000"), o.intParam("warmup", q ? 1 : 2),
                    o.intParam("reps", q ? 2 : 5),
                    o.intParam("threads", Runtime.getRuntime().availableProcessors()));
            if (s.warmup < 0 || s.reps < 1 || s.threads < 1 || s.vocab < 300 || s.spmVocab < 300) {
                throw new IllegalArgumentException("expected warmup >= 0, reps >= 1, threads >= 1, vocab and spmVocab"
                        + " >= 300; got " + s);
            }
            return s;
        }

        private static long megabytes(BenchOptions o, String key, double fallback) {
            String v = o.params().get(key);
            double mb = v == null ? fallback : Double.parseDouble(v);
            if (!(mb > 0)) {
                throw new IllegalArgumentException(key + " must be > 0 MB, got " + v);
            }
            return (long) (mb * 1_000_000);
        }

        private static List<Integer> ints(BenchOptions o, String key, String fallback) {
            return Arrays.stream(o.params().getOrDefault(key, fallback).split(",")).map(String::trim)
                    .map(Integer::parseInt).toList();
        }

        /** {@code data} as given, else ./data, else the Maven root's data/, else ../data. */
        private static Path dataDir(String given) {
            if (given != null) {
                return Path.of(given);
            }
            String root = System.getProperty("maven.multiModuleProjectDirectory");
            for (Path p : Stream.of(Path.of("data"), root == null ? null : Path.of(root, "data"), Path.of("..", "data"))
                    .filter(java.util.Objects::nonNull).toList()) {
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
            return Path.of("data");
        }
    }

    @Override
    public BenchReport run(BenchOptions options) throws Exception {
        Settings s = Settings.of(options);
        BenchReport report = new BenchReport(name(), COLUMNS);
        report.note(String.format(Locale.ROOT, "%d threads on %d cores; system load average %.1f at the start; "
                + "ratios are ours / reference, both measured in this run", s.threads,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        report.note(String.format(Locale.ROOT, "settings: sections=%s data=%s encodeMb=%.1f trainMb=%.1f "
                + "heldoutMb=%.1f vocab=%d spmVocab=%d codeVocabs=%s musicVocabs=%s warmup=%d reps=%d",
                String.join(",", new java.util.TreeSet<>(s.sections)), s.data.toAbsolutePath().normalize(),
                s.encodeBytes / 1e6, s.trainBytes / 1e6, s.heldOutBytes / 1e6, s.vocab, s.spmVocab, s.codeVocabs,
                s.musicVocabs, s.warmup, s.reps));
        Path tmp = Files.createTempDirectory("tessera-bench-tokenizers");
        try {
            CodeCorpus code = CodeCorpus.open(s.data);
            if (code == null && (s.sections.contains("encode") || s.sections.contains("train")
                    || s.sections.contains("code"))) {
                report.note("no JDK sources under " + s.data.resolve("code")
                        + ": run scripts/fetch-data code; the encode, train and code sections are skipped");
                report.row("code data", "data/code missing", "-", null, null, null, "-",
                        "skipped: run scripts/fetch-data code");
            }
            if (code != null) {
                report.note(String.format(Locale.ROOT, "JDK sources: %d training and %d held-out files in %s",
                        code.trainFileCount(), code.heldOutFileCount(), code.root()));
                List<CodeCorpus.Document> training = code.training(s.trainBytes);
                if (s.sections.contains("encode")) {
                    encodeSection(s, code, training, tmp, report);
                }
                if (s.sections.contains("train")) {
                    trainSection(s, code, training, tmp, report);
                }
                if (s.sections.contains("code")) {
                    codeSection(s, code, training, report);
                }
            }
            if (s.sections.contains("music")) {
                musicSection(s, report);
            }
        } finally {
            deleteTree(tmp);
        }
        return report;
    }

    // ---------------------------------------------------------------- encode throughput against HF

    private void encodeSection(Settings s, CodeCorpus code, List<CodeCorpus.Document> training, Path tmp,
            BenchReport report) throws Exception {
        List<CodeCorpus.Document> docs = code.unseen(training.size(), s.encodeBytes);
        String[] texts = CodeCorpus.texts(docs).toArray(String[]::new);
        long bytes = CodeCorpus.bytes(docs);
        report.note(String.format(Locale.ROOT, "encode: %d unseen files, %.1f MB (held-out first, then training "
                + "files outside the %d-file, %.1f MB training subset); tokenizers trained on that subset",
                texts.length, bytes / 1e6, training.size(), CodeCorpus.bytes(training) / 1e6));
        List<String> trainTexts = CodeCorpus.texts(training);

        long t0 = System.nanoTime();
        BpeModel bpe = new BpeTrainer(BpeTrainerConfig.byteLevel(s.vocab, List.of()).withThreads(s.threads))
                .train(WordCounts.count(trainTexts, Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, s.threads));
        double bpeSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        UnigramModel unigram = new UnigramTrainer(UnigramTrainerConfig.defaults(s.vocab).withThreads(s.threads))
                .train(WordCounts.count(trainTexts, MetaspacePreTokenizer.INSTANCE, WordCodec.METASPACE, s.threads));
        double unigramSeconds = (System.nanoTime() - t0) / 1e9;
        report.note(String.format(Locale.ROOT, "encode: training took %.1f s (BPE) and %.1f s (Unigram)",
                bpeSeconds, unigramSeconds));

        Path bpeJson = tmp.resolve("bpe.json");
        TokenizerJson.write(new SubwordTokenizer(List.of(), Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, bpe),
                bpeJson);
        Path unigramJson = tmp.resolve("unigram.json");
        TokenizerJson.write(new SubwordTokenizer(List.of(), MetaspacePreTokenizer.INSTANCE, WordCodec.METASPACE,
                unigram), unigramJson);

        ForkJoinPool pool = new ForkJoinPool(s.threads);
        try {
            for (Path json : List.of(bpeJson, unigramJson)) {
                // Ours and HF's both load the same file.
                SubwordTokenizer ours = TokenizerJson.read(json);
                boolean isBpe = ours.model() instanceof BpeModel;
                String name = (isBpe ? "bpe" : "unigram") + " V=" + ours.vocabSize();
                try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(json)
                        .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
                    long[] reference = checksums(texts.length, i -> checksum(hf.encode(texts[i]).getIds()));
                    long tokens = 0;
                    for (String t : texts) {
                        tokens += ours.encode(t).length;
                    }
                    report.note(String.format(Locale.ROOT, "encode %s: %.4f tokens per byte", name,
                            (double) tokens / bytes));

                    Pass hfSingle = time(s, () -> checksums(texts.length,
                            i -> checksum(hf.encode(texts[i]).getIds())));
                    Pass oursSingle = time(s, () -> checksums(texts.length, i -> checksum(ours.encode(texts[i]))));
                    row(report, name + ", 1 thread" + (isBpe ? ", word cache on" : ""), bytes, oursSingle, hfSingle,
                            "DJL encode(String), file by file", reference);
                    // DJL's Encoding copies tokens, offsets and masks out through JNI; HF's core alone is its
                    // native encode plus one copy of the ids.
                    long handle = hf.getHandle();
                    Pass hfIds = time(s, () -> checksums(texts.length, i -> checksum(idsOnly(handle, texts[i]))));
                    row(report, name + ", 1 thread" + (isBpe ? ", word cache on" : ""), bytes, oursSingle, hfIds,
                            "HF's native encode, ids only (DJL's JNI)", reference);
                    if (isBpe) {
                        SubwordTokenizer noCache = new SubwordTokenizer(List.of(), ours.preTokenizer(), ours.codec(),
                                ((BpeModel) ours.model()).withCacheCapacity(0));
                        Pass oursNoCache = time(s, () -> checksums(texts.length,
                                i -> checksum(noCache.encode(texts[i]))));
                        row(report, name + ", 1 thread, word cache off", bytes, oursNoCache, hfSingle,
                                "DJL encode(String), file by file", reference);
                    }
                    Pass oursAll = time(s, () -> pool.submit(() -> parallelChecksums(texts.length,
                            i -> checksum(ours.encode(texts[i])))).get());
                    Pass hfBatch = time(s, () -> batchChecksums(hf, texts));
                    row(report, name + ", " + s.threads + " threads", bytes, oursAll, hfBatch,
                            "DJL batchEncode (HF's Rayon pool), 256 files a batch", reference);
                    Pass hfThreads = time(s, () -> pool.submit(() -> parallelChecksums(texts.length,
                            i -> checksum(hf.encode(texts[i]).getIds()))).get());
                    row(report, name + ", " + s.threads + " threads", bytes, oursAll, hfThreads,
                            "DJL encode(String) from " + s.threads + " Java threads", reference);
                }
            }
        } finally {
            pool.shutdown();
        }
        report.note("encode: for context, HF's README claims under 20 s per GB on a server CPU (about 50 MB/s)");
    }

    /** The timed passes of one way of encoding: median seconds and the per-file id checksums of the last pass. */
    private record Pass(double seconds, long[] checksums) {
    }

    private interface Encoder {
        long[] run() throws Exception;
    }

    private static Pass time(Settings s, Encoder encoder) throws Exception {
        long[] last = null;
        for (int i = 0; i < s.warmup; i++) {
            last = encoder.run();
        }
        double[] seconds = new double[s.reps];
        for (int i = 0; i < s.reps; i++) {
            long t0 = System.nanoTime();
            last = encoder.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return new Pass(seconds[seconds.length / 2], last);
    }

    private static void row(BenchReport report, String name, long bytes, Pass ours, Pass theirs, String against,
            long[] reference) {
        int mismatched = mismatches(ours.checksums, reference) + mismatches(theirs.checksums, reference);
        double oursMbs = bytes / 1e6 / ours.seconds;
        double theirsMbs = bytes / 1e6 / theirs.seconds;
        report.row("encode", name, "MB/s", oursMbs, theirsMbs, oursMbs / theirsMbs, against,
                mismatched == 0 ? "ids equal on all " + reference.length + " files"
                        : "IDS DIFFER on " + mismatched + " files");
    }

    private static int mismatches(long[] a, long[] b) {
        int n = 0;
        for (int i = 0; i < b.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    private static long[] checksums(int n, IntToLongFunction perFile) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = perFile.applyAsLong(i);
        }
        return out;
    }

    /** Per-file checksums on the calling pool, each file a task. */
    private static long[] parallelChecksums(int n, IntToLongFunction perFile) {
        long[] out = new long[n];
        IntStream.range(0, n).parallel().forEach(i -> out[i] = perFile.applyAsLong(i));
        return out;
    }

    private static long[] batchChecksums(HuggingFaceTokenizer hf, String[] texts) {
        long[] out = new long[texts.length];
        int batch = 256;
        for (int from = 0; from < texts.length; from += batch) {
            Encoding[] encodings = hf.batchEncode(Arrays.copyOfRange(texts, from, Math.min(texts.length, from + batch)));
            for (int k = 0; k < encodings.length; k++) {
                out[from + k] = checksum(encodings[k].getIds());
            }
        }
        return out;
    }

    /** HF's encode through DJL's JNI without building an {@link Encoding}: the ids only. */
    private static long[] idsOnly(long tokenizer, String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer, text, false);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    private static long checksum(long[] ids) {
        long h = ids.length;
        for (long id : ids) {
            h = h * 1_000_003L + id;
        }
        return h;
    }

    private static long checksum(int[] ids) {
        long h = ids.length;
        for (int id : ids) {
            h = h * 1_000_003L + id;
        }
        return h;
    }

    // ---------------------------------------------------------------- training against SentencePiece

    private void trainSection(Settings s, CodeCorpus code, List<CodeCorpus.Document> training, Path tmp,
            BenchReport report) throws Exception {
        SentencePieceCli spm = SentencePieceCli.find();
        if (spm == null) {
            report.note("train: spm_train/spm_encode are not on the PATH, so training is not compared; install "
                    + "Debian's sentencepiece package (apt-get install sentencepiece)");
            report.row("train", "spm_train missing", "-", null, null, null, "spm_train",
                    "skipped: apt-get install sentencepiece");
            return;
        }
        String version = spm.version();
        List<String> lines = CodeCorpus.lines(training);
        List<String> heldOut = CodeCorpus.lines(code.heldOut(s.heldOutBytes));
        Path trainFile = tmp.resolve("train.txt");
        Path heldOutFile = tmp.resolve("heldout.txt");
        Files.write(trainFile, lines, StandardCharsets.UTF_8);
        Files.write(heldOutFile, heldOut, StandardCharsets.UTF_8);
        long heldOutBytes = CodeCorpus.utf8Bytes(heldOut);
        report.note(String.format(Locale.ROOT, "train: %d lines (%.1f MB) to train on, %d held-out lines "
                + "(%.1f MB, newlines not counted); %s with spec §7's flags plus --bos_id=-1 --eos_id=-1, so <unk> is "
                + "the only special piece on both sides; ours with %d threads, on spm's words (a run of spaces kept "
                + "together, see SentencePieceWords) and on HF's Metaspace words (a word per space); memory: ours is the "
                + "sampled peak of used Java heap above the start, spm's the max RSS from GNU time",
                lines.size(), CodeCorpus.utf8Bytes(lines) / 1e6, heldOut.size(), heldOutBytes / 1e6, version, s.threads));

        // Ours on spm's words (each line with the leading space spm's dummy prefix stands for) and on HF's
        // Metaspace words (a word per space).
        List<String> spaced = lines.stream().map(l -> " " + l).toList();
        List<String> heldSpaced = heldOut.stream().map(l -> " " + l).toList();
        // spm_train takes its seed pieces from the distinct lines, before it splits them into words.
        List<String> seedLines = spaced.stream().distinct().map(l -> WordCodec.METASPACE.toModel(l, true)).toList();
        for (String type : List.of("unigram", "bpe")) {
            SentencePieceCli.Training theirs = spm.train(trainFile, tmp, type, s.spmVocab, s.threads);
            long theirTokens = Arrays.stream(spm.encodeCounts(theirs.model(), heldOutFile, tmp)).sum();
            double theirTpb = (double) theirTokens / heldOutBytes;
            Set<String> specials = Set.of("<unk>", "<s>", "</s>");
            Set<String> theirPieces = new HashSet<>(theirs.pieces());
            theirPieces.removeAll(specials);
            // {spm's words?, seeds from lines?}
            List<boolean[]> variants = type.equals("unigram")
                    ? List.of(new boolean[] {true, false}, new boolean[] {true, true}, new boolean[] {false, false})
                    : List.of(new boolean[] {true, false}, new boolean[] {false, false});
            for (boolean[] variant : variants) {
                boolean spmWords = variant[0];
                boolean lineSeeds = variant[1];
                PreTokenizer words = spmWords ? SentencePieceWords.INSTANCE : MetaspacePreTokenizer.INSTANCE;
                HeapSampler heap = HeapSampler.start();
                long t0 = System.nanoTime();
                WordCounts counts = WordCounts.count(spmWords ? spaced : lines, words, WordCodec.METASPACE,
                        s.threads);
                SubwordModel model;
                if (type.equals("unigram")) {
                    model = new UnigramTrainer(UnigramTrainerConfig.defaults(s.spmVocab).withThreads(s.threads))
                            .train(counts, lineSeeds ? seedLines : null, TrainerProgress.NONE);
                } else {
                    // spm's vocabulary holds <unk> besides the pieces; ours has no unknown piece, so one fewer.
                    model = new BpeTrainer(new BpeTrainerConfig(s.spmVocab - 1, 0, List.of(), "", 0, s.threads))
                            .train(counts);
                }
                double oursSeconds = (System.nanoTime() - t0) / 1e9;
                long oursPeakMiB = heap.stop() >> 20;
                SubwordTokenizer ours = new SubwordTokenizer(List.of(), words, WordCodec.METASPACE, model);
                long oursTokens = 0;
                for (String line : spmWords ? heldSpaced : heldOut) {
                    oursTokens += ours.encode(line).length;
                }
                double oursTpb = (double) oursTokens / heldOutBytes;

                Set<String> oursPieces = new HashSet<>();
                for (int id = 0; id < model.vocabSize(); id++) {
                    oursPieces.add(model.token(id));
                }
                oursPieces.removeAll(specials);
                Set<String> union = new HashSet<>(oursPieces);
                union.addAll(theirPieces);
                Set<String> both = new HashSet<>(oursPieces);
                both.retainAll(theirPieces);
                String jaccard = String.format(Locale.ROOT, "pieces: ours %d, spm %d, Jaccard %.3f",
                        oursPieces.size(), theirPieces.size(), (double) both.size() / union.size());

                String name = type + " V=" + s.spmVocab + (spmWords ? ", spm's words" : ", HF Metaspace words")
                        + (lineSeeds ? ", seeds from lines" : "");
                report.row("train", name, "seconds", oursSeconds, theirs.seconds(), oursSeconds / theirs.seconds(),
                        version + " spm_train", jaccard);
                report.row("train", name, "peak MiB", (double) oursPeakMiB,
                        theirs.maxRssKiB() < 0 ? null : theirs.maxRssKiB() / 1024.0,
                        theirs.maxRssKiB() <= 0 ? null : oursPeakMiB / (theirs.maxRssKiB() / 1024.0),
                        "spm_train max RSS", "ours: Java heap in use, garbage included");
                double ratio = oursTpb / theirTpb;
                report.row("train", name, "held-out tokens/byte", oursTpb, theirTpb, ratio, "spm_encode",
                        Math.abs(ratio - 1) <= 0.01 ? "within the ±1% target" : String.format(Locale.ROOT,
                                "%+.1f%%, outside the ±1%% target", 100 * (ratio - 1)));
            }
        }
    }

    /** Samples used heap every 10 ms on a daemon thread; {@link #stop} gives the peak above the start, in bytes. */
    private static final class HeapSampler {
        private final long baseline;
        private volatile boolean running = true;
        private volatile long peak;
        private final Thread thread;

        private HeapSampler() {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            baseline = rt.totalMemory() - rt.freeMemory();
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        static HeapSampler start() {
            return new HeapSampler();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return Math.max(0, peak - baseline);
        }
    }

    // ---------------------------------------------------------------- code-aware pre-tokenizers

    private void codeSection(Settings s, CodeCorpus code, List<CodeCorpus.Document> training, BenchReport report) {
        List<String> trainTexts = CodeCorpus.texts(training);
        List<CodeCorpus.Document> heldOut = code.heldOut(s.heldOutBytes);
        List<String> heldTexts = CodeCorpus.texts(heldOut);
        long bytes = CodeCorpus.bytes(heldOut);
        report.note(String.format(Locale.ROOT, "code: trained on %.1f MB of JDK sources, measured on %d held-out "
                + "files (%.1f MB); 'ident/punct' is the share of tokens holding both an identifier character "
                + "[letters, digits, _ $] and punctuation (whitespace aside, since GPT-2 words carry their space)",
                CodeCorpus.bytes(training) / 1e6, heldOut.size(), bytes / 1e6));
        for (int vocab : s.codeVocabs) {
            CodeResult baseline = null;
            for (String trainer : List.of("bpe", "unigram")) {
                for (Variant variant : Variant.values()) {
                    CodeResult r = codeResult(trainer, variant, vocab, trainTexts, heldTexts, bytes, s.threads);
                    if (baseline == null) {
                        baseline = r; // gpt2 + BPE comes first
                    }
                    String name = trainer + " " + variant.id() + " V=" + vocab;
                    String against = "gpt2 + BPE, V=" + vocab;
                    String check = String.format(Locale.ROOT, "length %+.1f%% vs gpt2+BPE; round trip %s; "
                            + "trained in %.1f s", -100 * (1 - r.tokensPerByte / baseline.tokensPerByte),
                            r.exact == heldTexts.size() ? "exact on all files"
                                    : "EXACT ON " + r.exact + "/" + heldTexts.size(), r.trainSeconds);
                    report.row("code", name, "held-out tokens/byte", r.tokensPerByte, baseline.tokensPerByte,
                            r.tokensPerByte / baseline.tokensPerByte, against, check);
                    report.row("code", name, "ident/punct token share", r.boundaryShare, baseline.boundaryShare,
                            baseline.boundaryShare == 0 ? null : r.boundaryShare / baseline.boundaryShare, against, "-");
                    report.row("code", name, "MB/s, 1 thread", r.megabytesPerSecond, baseline.megabytesPerSecond,
                            r.megabytesPerSecond / baseline.megabytesPerSecond, against, "-");
                }
            }
        }
    }

    private record CodeResult(double tokensPerByte, double boundaryShare, double megabytesPerSecond, int exact,
            double trainSeconds) {
    }

    private static CodeResult codeResult(String trainer, Variant variant, int vocab, List<String> trainTexts,
            List<String> heldTexts, long bytes, int threads) {
        CodePreTokenizer pre = new CodePreTokenizer(variant);
        long t0 = System.nanoTime();
        WordCounts counts = WordCounts.count(trainTexts, pre, WordCodec.BYTE_LEVEL, threads);
        SubwordModel model;
        if (trainer.equals("bpe")) {
            BpeTrainerConfig config = BpeTrainerConfig.byteLevel(vocab, List.of()).withThreads(threads);
            if (variant == Variant.CODE_COMPOSITE) {
                config = config.withMaxTokenLength(CodePreTokenizer.COMPOSITE_MAX_TOKEN_LENGTH);
            }
            model = new BpeTrainer(config).train(counts);
        } else {
            model = new UnigramTrainer(UnigramTrainerConfig.defaults(vocab)
                    .withCharacterCoverage(1.0, ByteAlphabet.characters()).withThreads(threads)).train(counts);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        SubwordTokenizer tokenizer = new SubwordTokenizer(List.of(), pre, WordCodec.BYTE_LEVEL, model);
        boolean[] joins = new boolean[tokenizer.vocabSize()];
        for (int id = 0; id < joins.length; id++) {
            joins[id] = joinsIdentifierAndPunctuation(Utf8.decodeLossy(tokenizer.decodeBytes(new int[] {id})));
        }
        // One untimed pass (warm-up, the token counts and the round trips), then a timed one.
        long tokens = 0;
        long joining = 0;
        int exact = 0;
        for (String doc : heldTexts) {
            int[] ids = tokenizer.encode(doc);
            tokens += ids.length;
            for (int id : ids) {
                joining += joins[id] ? 1 : 0;
            }
            exact += tokenizer.decode(ids).equals(doc) ? 1 : 0;
        }
        long start = System.nanoTime();
        long sink = 0;
        for (String doc : heldTexts) {
            sink += tokenizer.encode(doc).length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink != tokens) {
            throw new IllegalStateException("encoding is not deterministic: " + sink + " then " + tokens + " tokens");
        }
        return new CodeResult((double) tokens / bytes, (double) joining / tokens, bytes / 1e6 / seconds, exact,
                trainSeconds);
    }

    /** Whether a token's text holds an identifier character and a punctuation character. */
    static boolean joinsIdentifierAndPunctuation(String text) {
        boolean ident = false;
        boolean punct = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || cp == '_' || cp == '$') {
                ident = true;
            } else if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp) && cp != 0xFFFD) {
                punct = true;
            }
        }
        return ident && punct;
    }

    // ---------------------------------------------------------------- music

    private void musicSection(Settings s, BenchReport report) throws Exception {
        Path dir = s.data.resolve("midi");
        List<Path> files = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.midi?"))
                        .sorted().toList();
            }
        }
        if (files.isEmpty()) {
            report.note("music: no MIDI files under " + dir + "; run scripts/fetch-data midi");
            report.row("music", "data/midi missing", "-", null, null, null, "-", "skipped: run scripts/fetch-data midi");
            return;
        }
        List<Score> train = new ArrayList<>();
        List<Score> heldOut = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            try {
                (isHeldOut(file.getFileName().toString()) ? heldOut : train).add(MidiFiles.read(file));
            } catch (MidiFormatException e) {
                unreadable.add(file.getFileName() + " (" + e.code() + ")");
            }
        }
        report.note(String.format(Locale.ROOT, "music: %d MIDI files in %s, %d to train on, %d held out (SHA-256 of "
                + "the file name, first 8 hex digits mod 5 == 0)%s; events with programs (REMI+) and MidiTok's "
                + "other defaults; words per bar", files.size(), dir, train.size(), heldOut.size(),
                unreadable.isEmpty() ? "" : ", unreadable: " + String.join(", ", unreadable)));
        MusicTokenizerConfig config = MusicTokenizerConfig.defaults().withPrograms(true);
        for (MusicTokenizer base : List.of(MusicTokenizer.remi(config), MusicTokenizer.tsd(config))) {
            List<TokenSequence> trainEvents = train.stream().map(base::encode).toList();
            List<TokenSequence> heldEvents = heldOut.stream().map(base::encode).toList();
            List<double[]> metrics = new ArrayList<>(); // {PCE, SI} of each quantized held-out piece
            for (TokenSequence seq : heldEvents) {
                Score quantized = base.decode(seq.ids());
                metrics.add(new double[] {PitchClassEntropy.of(quantized),
                        StructureIndicator.of(quantized, StructureIndicator.Range.SHORT)});
            }
            String layout = base.layout().equals("remi") ? "REMI+" : "TSD";
            for (int vocab : s.musicVocabs) {
                if (vocab <= base.vocabulary().size()) {
                    report.note("music: " + layout + " skips V=" + vocab + ", not above its " + base.vocabulary().size()
                            + " base events");
                    continue;
                }
                Map<String, MusicSubwordTokenizer> tokenizers = new LinkedHashMap<>();
                Map<String, Double> seconds = new LinkedHashMap<>();
                long t0 = System.nanoTime();
                tokenizers.put("bpe", MusicSubwordTokenizer.trainBpe(base, trainEvents, WordSplit.BAR, vocab));
                seconds.put("bpe", (System.nanoTime() - t0) / 1e9);
                for (int maxPiece : new int[] {16, 32, 128}) {
                    t0 = System.nanoTime();
                    tokenizers.put("unigram max " + maxPiece, MusicSubwordTokenizer.trainUnigram(base, trainEvents,
                            WordSplit.BAR, vocab, maxPiece));
                    seconds.put("unigram max " + maxPiece, (System.nanoTime() - t0) / 1e9);
                }
                for (Map.Entry<String, MusicSubwordTokenizer> e : tokenizers.entrySet()) {
                    MusicSubwordTokenizer t = e.getValue();
                    List<SequenceLength> lengths = new ArrayList<>();
                    SequenceLength total = new SequenceLength(0, 0, 0, 0);
                    int exact = 0;
                    int metricsKept = 0;
                    for (int i = 0; i < heldEvents.size(); i++) {
                        TokenSequence seq = heldEvents.get(i);
                        int[] ids = t.encode(seq);
                        SequenceLength length = SequenceLength.of(seq, ids);
                        lengths.add(length);
                        total = total.plus(length);
                        exact += Arrays.equals(t.decode(ids), seq.ids()) ? 1 : 0;
                        Score back = t.decodeScore(ids);
                        metricsKept += PitchClassEntropy.of(back) == metrics.get(i)[0]
                                && StructureIndicator.of(back, StructureIndicator.Range.SHORT) == metrics.get(i)[1] ? 1 : 0;
                    }
                    String name = layout + " " + e.getKey() + " V=" + vocab;
                    String check = String.format(Locale.ROOT, "reduction %.1f%% (mean per piece); round trip %s; "
                            + "PCE and SI %s; trained in %.1f s", 100 * SequenceLength.meanReduction(lengths),
                            exact == heldEvents.size() ? "exact" : "EXACT ON " + exact + "/" + heldEvents.size(),
                            metricsKept == heldEvents.size() ? "unchanged" : "CHANGED ON "
                                    + (heldEvents.size() - metricsKept), seconds.get(e.getKey()));
                    report.row("music", name, "tokens/bar", total.subwordTokensPerBar(), total.baseTokensPerBar(),
                            total.subwordTokensPerBar() / total.baseTokensPerBar(), layout + " events", check);
                    report.row("music", name, "tokens/note", total.subwordTokensPerNote(), total.baseTokensPerNote(),
                            total.subwordTokensPerNote() / total.baseTokensPerNote(), layout + " events", "-");
                }
            }
        }
    }

    /** The music split: a file is held out when the SHA-256 of its name, first 8 hex digits, is 0 mod 5. */
    static boolean isHeldOut(String fileName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fileName.getBytes(StandardCharsets.UTF_8));
            return Long.parseLong(HexFormat.of().formatHex(digest, 0, 4), 16) % 5 == 0;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Runs the suite without the launcher: {@code [--quick] [key=value ...] [--json FILE]}, the same settings
     * as {@code tessera bench tokenizers --param key=value}; prints the table and writes the JSON when asked.
     */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path json = null;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--json") && i + 1 < args.length) {
                json = Path.of(args[++i]);
            } else if (args[i].contains("=")) {
                params.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            } else {
                System.err.println("usage: TokenizersBench [--quick] [key=value ...] [--json FILE]");
                System.exit(2);
            }
        }
        BenchReport report = new TokenizersBench().run(new BenchOptions(quick, params));
        System.out.print(report.toTable());
        if (json != null) {
            System.out.println("wrote " + report.write(json));
        }
    }
}
