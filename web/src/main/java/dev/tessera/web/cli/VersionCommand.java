package dev.tessera.web.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import dev.tessera.core.engine.Engines;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tessera version}: what this installation runs on, for bug reports and benchmark notes. */
@Command(name = "version",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Print the versions, threads and cache folder in use.",
        description = {
            "Prints the versions of Tessera, Java, Vert.x, DJL and PyTorch, the threads libtorch uses "
                    + "(set with TESSERA_THREADS and TESSERA_INTEROP_THREADS) and DJL's cache folder "
                    + "(DJL_CACHE_DIR). Starts the tensor engine to ask it, which takes a second or two; "
                    + "'tessera --version' answers without it."},
        footer = {"", "Example:", "  TESSERA_THREADS=4 tessera version"})
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Engine engine = Engines.start();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Tessera    %s%n", TesseraVersion.tessera());
        out.printf("Java       %s (%s, %s)%n", System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        out.printf("Vert.x     %s%n", TesseraVersion.vertx());
        out.printf("DJL        %s%n", TesseraVersion.djl());
        out.printf("%-10s %s (default device %s)%n", engine.getEngineName(), engine.getVersion(),
                engine.defaultDevice().getDeviceType());
        out.printf("threads    intra-op %d, inter-op %d (of %d CPUs)%n", JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(), Runtime.getRuntime().availableProcessors());
        out.printf("DJL cache  %s%n", Utils.getEngineCacheDir());
        out.flush();
        return 0;
    }
}
