package dev.tessera.web.cli;

import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code tessera train <model>}: runs one {@link TrainingEntryPoint} found with {@link ServiceLoader}. A
 * model module adds one by implementing it and listing it in
 * {@code META-INF/services/dev.tessera.core.train.TrainingEntryPoint}; nothing here changes.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Train a model with a progress bar.",
        description = {
            "Trains MODEL on its data set with the project's training loop (checkpoints, validation, resume); "
                    + "progress goes to the terminal. --data, --steps and --out default to the model's own "
                    + "values; flags this command does not know are passed to the model (see each model's options "
                    + "below)."},
        footer = {"", "Examples:",
            "  tessera train --list",
            "  tessera train vocoder --steps 2800 --export models/vocoder",
            "  tessera train vocoder --resume --steps 4000 --batch 8"})
final class TrainCommand implements Callable<Integer>, DynamicHelp {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model to train; see --list.")
    String model;

    @Option(names = "--data", paramLabel = "DIR", description = "Training data folder. Default: the model's.")
    Path data;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps of the run. Default: the model's.")
    Long steps;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder for checkpoints. Default: runs/<model>.")
    Path out;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the run folder.")
    boolean resume;

    @Option(names = "--list", description = "List the models that can be trained, then exit.")
    boolean list;

    @Unmatched
    List<String> extra = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (list) {
            entryPoints().forEach(e -> o.printf("%-12s %s%n", e.name(), e.description()));
            o.flush();
            return 0;
        }
        if (model == null) {
            throw new ParameterException(spec.commandLine(), "name a model to train (" + names() + "), or --list");
        }
        TrainingEntryPoint entry = entryPoints().stream().filter(e -> e.name().equals(model)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "no model named '" + model
                        + "' can be trained; models: " + names()));
        try {
            entry.train(new TrainingOptions(data, steps, out, resume, extra));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return 0;
    }

    static List<TrainingEntryPoint> entryPoints() {
        return ServiceLoader.load(TrainingEntryPoint.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(TrainingEntryPoint::name)).toList();
    }

    private static String names() {
        List<String> names = entryPoints().stream().map(TrainingEntryPoint::name).toList();
        return names.isEmpty() ? "none in this build" : String.join(", ", names);
    }

    @Override
    public String dynamicHelp() {
        StringBuilder sb = new StringBuilder(String.format("%nModels:%n"));
        for (TrainingEntryPoint e : entryPoints()) {
            sb.append(String.format("  %-12s %s%n", e.name(), e.description()));
            for (String line : e.extraOptions()) {
                sb.append(String.format("      %s%n", line));
            }
        }
        return sb.toString();
    }
}
