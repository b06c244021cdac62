package dev.tessera.audio.discriminator;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * A GAN discriminator over waveforms: a block of sub-discriminators, each returning its logit map and
 * its feature maps ({@link DiscriminatorOutput}). The losses ({@link LeastSquaresGan},
 * {@link FeatureMatchingLoss}) pair the outputs for real and generated audio by position.
 */
public abstract class Discriminator extends FixedShapeBlock {

    /** Sample rate of the audio every discriminator here expects, Hz. */
    public static final int SAMPLE_RATE = 22_050;

    /**
     * (B, T) float32 audio at 22,050 Hz → one output per sub-discriminator, in a fixed order. Gradients
     * reach both the parameters and the audio.
     */
    public abstract List<DiscriminatorOutput> forward(ParameterStore ps, NDArray audio, boolean training);

    /**
     * The prefix of this discriminator's output names ({@code mpd}, {@code stft}, {@code cqt}), also its
     * child name inside a {@link CombinedDiscriminator}.
     */
    public abstract String prefix();

    /** The shortest input (samples) the discriminator accepts. */
    public abstract int minSamples();

    /** Rejects anything but (B, T ≥ {@link #minSamples()}) float32 audio, before any work is done. */
    protected final void checkAudio(NDArray audio) {
        if (audio.getShape().dimension() != 2 || audio.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects (B, T) float32 audio, got "
                    + audio.getShape() + " " + audio.getDataType());
        }
        if (audio.getShape().get(1) < minSamples()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs at least " + minSamples()
                    + " samples per example, got " + audio.getShape().get(1));
        }
    }
}
