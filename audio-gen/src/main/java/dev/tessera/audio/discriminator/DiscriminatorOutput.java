package dev.tessera.audio.discriminator;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sub-discriminator says about a batch of audio.
 *
 * @param name which sub-discriminator, e.g. {@code mpd.p5}, {@code stft.w1024}, {@code cqt.b36}; loss terms
 *     are named after it
 * @param logits the logit map for LSGAN, (B, 1, ...): real audio is pushed towards 1, generated towards 0
 * @param featureMaps the activations the feature-matching loss compares, in layer order
 */
public record DiscriminatorOutput(String name, NDArray logits, List<NDArray> featureMaps) {

    public DiscriminatorOutput {
        featureMaps = List.copyOf(featureMaps);
    }

    /**
     * Examples {@code from} (inclusive) to {@code to} (exclusive) of the batch: views of the logits and, when
     * {@code withFeatures}, of every feature map (otherwise none). Lets one forward pass over real and
     * generated audio stacked along the batch serve as two.
     */
    public DiscriminatorOutput examples(long from, long to, boolean withFeatures) {
        String range = from + ":" + to;
        List<NDArray> maps = new ArrayList<>(withFeatures ? featureMaps.size() : 0);
        if (withFeatures) {
            for (NDArray f : featureMaps) {
                maps.add(f.get(range));
            }
        }
        return new DiscriminatorOutput(name, logits.get(range), maps);
    }
}
