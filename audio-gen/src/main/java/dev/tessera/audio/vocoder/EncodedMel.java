package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A batch of mel conditions after the mel encoder: computed once per utterance by
 * {@link PeriodWave#encode} and reused at every ODE step (audio spec 2.3). Its arrays belong to the
 * manager of the log-mel it was made from.
 *
 * @param periodConditions for each period p of the config, in order, the condition added at the
 *     U-Net's middle: (B, C3, ceil(T / 64p)), zero beyond each item's length
 * @param sigma sigma_E repeated over each frame's samples: (B, T), zero beyond each item's length
 * @param lengths valid samples of each item (frames * hop)
 * @param samples T, the batch's padded length in samples (max frames * hop)
 */
public record EncodedMel(List<NDArray> periodConditions, NDArray sigma, int[] lengths, int samples) {

    public EncodedMel {
        periodConditions = List.copyOf(periodConditions);
        lengths = lengths.clone();
    }

    public int batch() {
        return lengths.length;
    }

    /** Whether every item fills the batch's length (no padding to mask). */
    public boolean full() {
        for (int length : lengths) {
            if (length != samples) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int[] lengths() {
        return lengths.clone();
    }
}
