package dev.tessera.web.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code tessera} launcher ({@code scripts/tessera}). Each command is a class of its own; to add one,
 * write it (a picocli {@code @Command} implementing {@code Callable<Integer>}, with
 * {@code mixinStandardHelpOptions}, a description and an example in its footer) and list it in
 * {@code subcommands} below.
 *
 * <p>Exit codes: 0 done, 2 usage error (the message and where to find help), 1 failure (one line a
 * person can act on; the stack trace only with {@code --verbose}).
 */
@Command(name = "tessera",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Tessera, a generative-media server for the JVM: serves image, audio, distilled and "
                + "tokenizer models over HTTP and websockets, alone or in a cluster, and benchmarks them.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'tessera COMMAND --help' for a command's options.",
                "Exit codes: 0 done, 1 failed (see the message), 2 usage error.",
                "", "Example:", "  tessera serve --port 8080 --models models"},
        subcommands = {
                ServeCommand.class,
                GenerateCommand.class,
                BenchCommand.class,
                TokenizerCommand.class,
                VersionCommand.class,
                VocodeCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                ExportCommand.class,
                RenderCommand.class,
        })
public final class TesseraCommand implements Runnable {

    /** Help section key under which a {@link DynamicHelp} command's text goes, just before the footer. */
    static final String SECTION_DYNAMIC = "tessera.dynamic";

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure, not only its message.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured launcher: exit codes, one-line errors, dynamic help sections. Tests run it in-process. */
    public static CommandLine newCommandLine() {
        TesseraCommand root = new TesseraCommand();
        CommandLine cl = new CommandLine(root);
        cl.setParameterExceptionHandler(TesseraCommand::onUsageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> onFailure(ex, cmd, root.verbose));
        addDynamicHelp(cl);
        return cl;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command (serve, bench, tokenizer, version, ...)");
    }

    private static void addDynamicHelp(CommandLine cl) {
        if (cl.getCommand() instanceof DynamicHelp dynamic) {
            List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
            keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SECTION_DYNAMIC);
            cl.setHelpSectionKeys(keys);
            cl.getHelpSectionMap().put(SECTION_DYNAMIC, help -> dynamic.dynamicHelp());
        }
        cl.getSubcommands().values().forEach(TesseraCommand::addDynamicHelp);
    }

    private static int onUsageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int onFailure(Exception ex, CommandLine cmd, boolean verbose) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex)));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /** The failure as one line: wrappers removed, the message (or the exception's name), no line breaks. */
    static String oneLine(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName() + (t.getCause() != null ? ": " + oneLine(t.getCause()) : "");
        }
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
