package dev.tessera.audio.serve;

import dev.tessera.audio.vocoder.VocoderTrainMain;
import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tessera train vocoder}: runs {@link VocoderTrainMain} (audio spec 2.6) with the launcher's flags.
 *
 * <p>Why a child JVM: libtorch takes its thread counts when it loads and OpenMP reads
 * {@code OMP_NUM_THREADS} from the environment, and the recipe's measured speed needs one intra-op thread
 * on the shared 2-core machine (model card: two threads ran about 10× slower). A child started with
 * {@code TESSERA_THREADS=1}, {@code TESSERA_INTEROP_THREADS=1} and {@code OMP_NUM_THREADS=1} (each only when
 * the user has not set it) gets exactly that, runs the same code as the documented command, and keeps
 * training in a JVM of its own (serving spec 5: one {@code GradientCollector} per JVM). It shares the
 * terminal, so the progress bar and Ctrl-C work as usual.
 */
public final class VocoderTrainingEntryPoint implements TrainingEntryPoint {

    public static final Path DEFAULT_DATA = Path.of("data/speech");
    public static final Path DEFAULT_OUT = Path.of("runs/vocoder");

    /** VocoderTrainMain's flags besides --data, --out, --steps and --resume: value kind and help. */
    private static final Map<String, String[]> EXTRA = new LinkedHashMap<>();

    static {
        EXTRA.put("--export", new String[] {"DIR", "write the EMA weights to DIR at the end, e.g. models/vocoder"});
        EXTRA.put("--init", new String[] {"DIR", "start a new run from exported weights in DIR, e.g. models/vocoder"});
        EXTRA.put("--batch", new String[] {"N", "clips per step (8)"});
        EXTRA.put("--segment", new String[] {"N", "samples per clip (8192)"});
        EXTRA.put("--periods", new String[] {"LIST", "period branches of a new run (1,2,3,5,7)"});
        EXTRA.put("--checkpoint-every", new String[] {"N", "steps between checkpoints (100)"});
        EXTRA.put("--validate-every", new String[] {"N", "steps between validations (500)"});
        EXTRA.put("--val-clips", new String[] {"N", "validation clips (4)"});
        EXTRA.put("--val-samples", new String[] {"N", "samples per validation clip (32768)"});
        EXTRA.put("--val-steps", new String[] {"N", "midpoint steps when validating (16)"});
        EXTRA.put("--clip", new String[] {"X", "gradient-norm clip, 0 = off (0)"});
        EXTRA.put("--log-every", new String[] {"N", "steps between log lines without a terminal (10)"});
        EXTRA.put("--limit", new String[] {"N", "read at most N training utterances, 0 = all (0)"});
        EXTRA.put("--time", new String[] {"N", "time N steps in a scratch folder and print s/step"});
    }

    @Override
    public String name() {
        return "vocoder";
    }

    @Override
    public String description() {
        return "PeriodWave vocoder on the espeak-ng speech corpus (scripts/fetch-data speech), one intra-op thread";
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
        runChild(VocoderTrainMain.class.getName(), args, "vocoder");
    }

    /**
     * Runs a training main class in a child JVM on this terminal ({@link #command}, {@link #environment}) and
     * waits for it; a shutdown of this JVM stops the child.
     *
     * @throws IOException when the child exits with a non-zero code
     */
    public static void runChild(String mainClass, List<String> args, String what) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(mainClass, args)).inheritIO();
        environment(builder.environment());
        Process child = builder.start();
        Thread stopChild = new Thread(child::destroy, "stop-" + what + "-training");
        Runtime.getRuntime().addShutdownHook(stopChild);
        int code;
        try {
            code = child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
        if (code != 0) {
            throw new IOException(what + " training stopped with exit code " + code + "; the lines above say why");
        }
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

    /** The child's command line: this JVM's java, module and system flags, class path, then VocoderTrainMain. */
    static List<String> command(List<String> args) {
        return command(VocoderTrainMain.class.getName(), args);
    }

    /**
     * A child JVM's command line for any training main class: this JVM's java, module and system flags and
     * class path (the distill module's trainers use it too).
     */
    public static List<String> command(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Module flags (Hazelcast, DJL), system properties and heap settings; never agents or debuggers.
            if (flag.startsWith("--add-") || flag.startsWith("-D") || flag.startsWith("-Xmx") || flag.startsWith("-Xms")) {
                cmd.add(flag);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** One thread per operator and per pool, unless the user chose otherwise. */
    public static void environment(Map<String, String> env) {
        env.putIfAbsent("TESSERA_THREADS", "1");
        env.putIfAbsent("TESSERA_INTEROP_THREADS", "1");
        env.putIfAbsent("OMP_NUM_THREADS", "1");
    }
}
