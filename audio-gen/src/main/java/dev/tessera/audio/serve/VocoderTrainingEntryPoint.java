package dev.tessera.audio.serve;

import dev.tessera.audio.vocoder.VocoderTrainMain;
import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import dev.tessera.core.train.TrainingProcess;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tessera train vocoder}: runs {@link VocoderTrainMain} (audio spec 2.6) with the launcher's flags, in
 * a child JVM with one intra-op thread ({@link TrainingProcess} says why; model card: two threads ran about
 * 10× slower).
 */
public final class VocoderTrainingEntryPoint implements TrainingEntryPoint {

    public static final Path DEFAULT_DATA = Path.of("data/speech");
    public static final Path DEFAULT_OUT = Path.of("runs/vocoder");

    /** VocoderTrainMain's flags besides --data, --out, --steps and --resume: value kind and help. */
    private static final Map<String, String[]> EXTRA = new LinkedHashMap<>();

    static {
        EXTRA.put("--export", new String[] {"DIR", "write the EMA weights to DIR at the end, e.g. models/vocoder"});
        EXTRA.put("--init", new String[] {"DIR", "start a new run from exported weights in DIR, e.g. models/vocoder"});
        EXTRA.put("--music", new String[] {"DIR", "half of each batch from the music corpus in DIR, e.g. data/music "
                + "(scripts/fetch-data music); needs an even --batch"});
        EXTRA.put("--batch", new String[] {"N", "clips per step (8)"});
        EXTRA.put("--segment", new String[] {"N", "samples per clip (8192)"});
        EXTRA.put("--periods", new String[] {"LIST", "period branches of a new run (1,2,3,5,7)"});
        EXTRA.put("--checkpoint-every", new String[] {"N", "steps between checkpoints (100)"});
        EXTRA.put("--validate-every", new String[] {"N", "steps between validations (500)"});
        EXTRA.put("--val-clips", new String[] {"N", "validation clips (4)"});
        EXTRA.put("--val-samples", new String[] {"N", "samples per validation clip (32768)"});
        EXTRA.put("--val-steps", new String[] {"N", "midpoint steps when validating (16)"});
        EXTRA.put("--clip", new String[] {"X", "gradient-norm clip, 0 = off (0)"});
        EXTRA.put("--min-lr", new String[] {"X", "half cosine from 2e-4 down to X at --steps (2e-4: constant)"});
        EXTRA.put("--warmup", new String[] {"N", "steps of linear warm-up before that (0)"});
        EXTRA.put("--log-every", new String[] {"N", "steps between log lines without a terminal (10)"});
        EXTRA.put("--limit", new String[] {"N", "read at most N training utterances (and music clips), 0 = all (0)"});
        EXTRA.put("--time", new String[] {"N", "time N steps in a scratch folder and print s/step"});
    }

    @Override
    public String name() {
        return "vocoder";
    }

    @Override
    public String description() {
        return "PeriodWave vocoder on the espeak-ng speech corpus (scripts/fetch-data speech; --music DIR adds music 1:1), "
                + "one intra-op thread";
    }

    @Override
    public List<String> extraOptions() {
        List<String> lines = new ArrayList<>();
        EXTRA.forEach((flag, v) -> lines.add(String.format("%-22s %s", flag + " " + v[0], v[1])));
        return lines;
    }

    @Override
    public void train(TrainingOptions options) throws Exception {
        List<String> args = arguments(options);
        Path data = options.data() != null ? options.data() : DEFAULT_DATA;
        if (!Files.isRegularFile(data.resolve("train.tsv"))) {
            throw new NoSuchFileException(data.resolve("train.tsv").toString(), null,
                    "no speech corpus; make it with scripts/fetch-data speech or pass --data DIR");
        }
        int music = args.indexOf("--music");
        if (music >= 0) {
            Path dir = Path.of(args.get(music + 1));
            if (!Files.isRegularFile(dir.resolve("train.tsv"))) {
                throw new NoSuchFileException(dir.resolve("train.tsv").toString(), null,
                        "no music corpus; make it with scripts/fetch-data music");
            }
        }
        TrainingProcess.run(VocoderTrainMain.class.getName(), args, "vocoder training");
    }

    /**
     * VocoderTrainMain's arguments for these options.
     *
     * @throws IllegalArgumentException naming an unknown flag, a missing value or a value of the wrong kind
     */
    static List<String> arguments(TrainingOptions options) {
        List<String> args = new ArrayList<>();
        args.add("--data");
        args.add((options.data() != null ? options.data() : DEFAULT_DATA).toString());
        args.add("--out");
        args.add((options.out() != null ? options.out() : DEFAULT_OUT).toString());
        if (options.steps() != null) {
            args.add("--steps");
            args.add(Long.toString(options.steps()));
        }
        if (options.resume()) {
            args.add("--resume");
        }
        List<String> extra = options.extra();
        for (int i = 0; i < extra.size(); i++) {
            String flag = extra.get(i);
            String value = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {                       // --batch=4
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            String[] spec = EXTRA.get(flag);
            if (spec == null) {
                throw new IllegalArgumentException("unknown option '" + flag + "' for the vocoder; it takes "
                        + String.join(", ", EXTRA.keySet()));
            }
            if (value == null) {
                if (i + 1 >= extra.size()) {
                    throw new IllegalArgumentException(flag + " needs a value (" + spec[0] + ")");
                }
                value = extra.get(++i);
            }
            check(flag, spec[0], value);
            args.add(flag);
            args.add(value);
        }
        int batch = args.lastIndexOf("--batch");
        if (args.contains("--music") && batch >= 0 && Long.parseLong(args.get(batch + 1)) % 2 != 0) {
            throw new IllegalArgumentException("--music draws half of every batch from speech and half from music, so "
                    + "--batch must be even; got " + args.get(batch + 1));
        }
        return args;
    }

    private static void check(String flag, String kind, String value) {
        try {
            switch (kind) {
                case "N" -> {
                    if (Long.parseLong(value) < 0) {
                        throw new NumberFormatException();
                    }
                }
                case "X" -> Double.parseDouble(value);
                case "LIST" -> {
                    for (String p : value.split(",")) {
                        if (Integer.parseInt(p.strip()) < 1) {
                            throw new NumberFormatException();
                        }
                    }
                }
                default -> {
                    if (value.isBlank()) {
                        throw new NumberFormatException();
                    }
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects " + switch (kind) {
                case "N" -> "a whole number >= 0";
                case "X" -> "a number";
                case "LIST" -> "comma-separated whole numbers >= 1, e.g. 1,2,3";
                default -> "a folder";
            } + ", got '" + value + "'");
        }
    }

    /** The child's command line; see {@link TrainingProcess#command}. */
    static List<String> command(List<String> args) {
        return TrainingProcess.command(VocoderTrainMain.class.getName(), args);
    }

    /** See {@link TrainingProcess#environment}. */
    static void environment(Map<String, String> env) {
        TrainingProcess.environment(env);
    }
}
