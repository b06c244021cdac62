package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tessera.core.train.TrainableParameters;
import java.util.List;
import java.util.SplittableRandom;

/** Small helpers shared by the discriminator tests. */
final class TestAudio {

    private TestAudio() {
    }

    /** (batch, samples) Gaussian noise of standard deviation {@code sigma} from a seeded generator. */
    static NDArray noise(NDManager m, long seed, int batch, int samples, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[batch * samples];
        for (int i = 0; i < x.length; i++) {
            double u = 1 - r.nextDouble();
            x[i] = (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return m.create(x, new Shape(batch, samples));
    }

    /** Shapes of the logits and every feature map, as "logits | f0 f1 ...". */
    static String shapes(DiscriminatorOutput o) {
        StringBuilder sb = new StringBuilder(o.logits().getShape().toString()).append(" |");
        for (NDArray f : o.featureMaps()) {
            sb.append(' ').append(f.getShape());
        }
        return sb.toString();
    }

    /**
     * Back-propagates L_adv from one forward pass and returns the global L2 norm of the input's gradient;
     * fails unless every parameter's gradient is finite and at least one is non-zero. Gradients are zeroed
     * afterwards.
     */
    static double backpropagate(Discriminator d, NDManager m, NDArray audio) {
        TrainableParameters params = new TrainableParameters(d);
        audio.setRequiresGradient(true);
        try (GradientCollector c = m.getEngine().newGradientCollector()) {
            List<DiscriminatorOutput> out = d.forward(new ParameterStore(m, false), audio, true);
            c.backward(LeastSquaresGan.generatorLoss(out).total());
        }
        try (NDManager step = m.newSubManager()) {
            List<NDArray> grads = params.gradients(step);
            double total = 0;
            for (int i = 0; i < grads.size(); i++) {
                double sq = grads.get(i).square().sum().getFloat();
                if (!Double.isFinite(sq)) {
                    throw new AssertionError("gradient of " + params.trainable().get(i).name() + " is not finite");
                }
                total += sq;
            }
            if (!(total > 0)) {
                throw new AssertionError("every parameter gradient is zero");
            }
            TrainableParameters.zero(grads);
            NDArray g = audio.getGradient();
            double norm = Math.sqrt(g.square().sum().getFloat());
            g.close();
            return norm;
        }
    }
}
