package dev.tessera.core.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a training main in a child JVM that shares the terminal: what {@link TrainingEntryPoint}s use.
 *
 * <p>Why a child JVM: libtorch takes its thread counts when it loads and OpenMP reads
 * {@code OMP_NUM_THREADS} from the environment, and the recipes' measured speeds need one intra-op thread
 * on the shared 2-core machine (two threads ran about 10x slower for the vocoder). A child started with
 * {@code TESSERA_THREADS=1}, {@code TESSERA_INTEROP_THREADS=1} and {@code OMP_NUM_THREADS=1} (each only when
 * the user has not set it) gets exactly that, runs the same code as the documented command, and keeps
 * training in a JVM of its own (one {@code GradientCollector} per JVM). It inherits the terminal, so the
 * progress bar and Ctrl-C work as usual; when this JVM is stopped, the child is stopped too (it then
 * checkpoints).
 */
public final class TrainingProcess {

    private TrainingProcess() {
    }

    /**
     * Runs {@code mainClass} with {@code args} to its end.
     *
     * @param what the run's name for the failure message, e.g. {@code vocoder training}
     * @throws IOException when the child cannot start or exits with a non-zero code
     */
    public static void run(String mainClass, List<String> args, String what) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(mainClass, args)).inheritIO();
        environment(builder.environment());
        Process child = builder.start();
        Thread stopChild = new Thread(child::destroy, "stop-" + what.replace(' ', '-'));
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
            throw new IOException(what + " stopped with exit code " + code + "; the lines above say why");
        }
    }

    /** The child's command line: this JVM's java, module and system flags, class path, then the main class. */
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
