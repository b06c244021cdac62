package dev.tessera.web.fuzz;

import java.util.function.Predicate;

/**
 * The entry point Jazzer's own driver calls ({@code com.code_intelligence.jazzer.Jazzer
 * --target_class=dev.tessera.web.fuzz.FuzzEntry --target_args=<target>}), as {@link FuzzBench} runs it:
 * {@code fuzzerInitialize} picks the {@link ParserTargets} target, {@code fuzzerTestOneInput} runs one input.
 */
public final class FuzzEntry {

    private static Predicate<byte[]> target;

    private FuzzEntry() {
    }

    public static void fuzzerInitialize(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("give one target name with --target_args; targets: "
                    + ParserTargets.all().keySet());
        }
        target = ParserTargets.named(args[0]).run();
    }

    public static void fuzzerTestOneInput(byte[] data) {
        target.test(data);
    }
}
