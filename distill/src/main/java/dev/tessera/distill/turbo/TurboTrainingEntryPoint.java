package dev.tessera.distill.turbo;

import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import dev.tessera.core.train.TrainingProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tessera train vocoder-turbo --steps 4|2|1}: runs {@link TurboTrainMain} in a child JVM with one
 * intra-op thread, as {@code tessera train vocoder} does (the same command line and environment; one
 * GradientCollector per JVM). Here {@code --steps} is the student's Euler steps; the updates are
 * {@code --iterations}. The flags are checked here, before the child starts.
 */
public final class TurboTrainingEntryPoint implements TrainingEntryPoint {

    @Override
    public String name() {
        return TurboExport.MODEL;
    }

    @Override
    public String description() {
        return "PeriodWave-Turbo students (--steps 4|2|1 = Euler steps of the student) from models/vocoder by LSGAN + FM + mel";
    }

    @Override
    public List<String> extraOptions() {
        return List.of(
                "--iterations N         GAN updates (5000 for --steps 4, 2000 for 2 and 1)",
                "--init DIR             starting weights (models/vocoder, then vocoder-turbo/steps-4, steps-2)",
                "--export DIR           write the student to DIR/steps-N at the end, e.g. models/vocoder-turbo",
                "--discriminators LIST  mpd,cqt (Turbo) or mpd,stft (the ablation)",
                "--student-channels L   U-Net widths of a subcloned student, e.g. 16,32,48,96",
                "--student-periods L    periods of a subcloned student, e.g. 1,2,3",
                "--from-scratch         start that smaller student from a fresh initialisation (the subcloning reference)",
                "--guide-weight W       add W x mean|student - guide| (0 = off; 2000 for the shipped 2- and 1-step students)",
                "--guide-steps N        Euler steps of the guide from the student's own noise (8)",
                "--guide DIR            the guide vocoder (models/vocoder)",
                "--segment N, --batch N crop samples (16384) and crops per update (2)",
                "--lr X, --seed N       AdamW rate (2e-5) and seed (1)",
                "--checkpoint-every N, --validate-every N, --val-clips N, --val-samples N, --log-every N, --limit N",
                "--time N               time N updates in a scratch folder and print s/update");
    }

    @Override
    public void train(TrainingOptions options) throws Exception {
        List<String> args = new ArrayList<>();
        if (options.steps() == null) {
            throw new IllegalArgumentException("vocoder-turbo needs --steps 4, 2 or 1 (the student's Euler steps)");
        }
        args.add("--steps");
        args.add(Long.toString(options.steps()));
        if (options.data() != null) {
            args.add("--data");
            args.add(options.data().toString());
        }
        if (options.out() != null) {
            args.add("--out");
            args.add(options.out().toString());
        }
        if (options.resume()) {
            args.add("--resume");
        }
        args.addAll(options.extra());
        TurboTrainMain.Args parsed = TurboTrainMain.parse(args.toArray(new String[0])); // usage errors, before any work
        TurboTrainMain.checkInputs(parsed);
        TrainingProcess.run(TurboTrainMain.class.getName(), args, TurboExport.MODEL + " training");
    }
}
