package dev.tessera.distill.dd;

import dev.tessera.core.train.TrainingEntryPoint;
import dev.tessera.core.train.TrainingOptions;
import dev.tessera.image.eval.CommandLineArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tessera train image-dd}: {@link DdTrainMain} with the launcher's flags ({@code --data} is the pairs
 * folder, default {@code <out>/pairs}). Runs in this JVM: pair generation holds no gradient collector and
 * training holds the only one.
 */
public final class DdTrainingEntryPoint implements TrainingEntryPoint {

    @Override
    public String name() {
        return "image-dd";
    }

    @Override
    public String description() {
        return "one-step image student (distilled decoding) of the factorized AR teacher; --pairs N makes its pairs first";
    }

    @Override
    public List<String> extraOptions() {
        return List.of(
                "--pairs N              make N teacher pairs in <out>/pairs (resumable), then stop",
                "--teacher DIR          the factorized AR teacher (models/image-ar-factorized)",
                "--export DIR           where the student goes at the end (models/image-dd)",
                "--batch N              pairs per step, or per teacher run with --pairs (32)",
                "--ode-steps N          Euler steps of the flow to the teacher's codes (64)",
                "--cfg X                the teacher's guidance when making pairs (2.0)",
                "--regression           add the regression head (MSE to the code vector)",
                "--seed N               seed of the pairs' classes and noise (1)",
                "--time N               time N training steps (or N pairs with --pairs) in a scratch folder");
    }

    @Override
    public void train(TrainingOptions o) throws Exception {
        List<String> argv = new ArrayList<>(o.extra());
        if (o.data() != null) {
            argv.add("--data");
            argv.add(o.data().toString());
        }
        if (o.out() != null) {
            argv.add("--out");
            argv.add(o.out().toString());
        }
        if (o.steps() != null) {
            argv.add("--steps");
            argv.add(o.steps().toString());
        }
        if (o.resume()) {
            argv.add("--resume");
        }
        DdTrainMain.run(CommandLineArgs.parse(argv.toArray(String[]::new), DdTrainMain.USAGE, DdTrainMain.FLAGS,
                DdTrainMain.VALUES));
    }
}
