package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;

/**
 * The PriorGrad-style energy prior of audio spec 2.1: per mel frame E = sqrt(sum_bins exp(log-mel)),
 * sigma_E = max((E - E_min) / (E_max - E_min), floor), repeated over the frame's samples. Loud frames
 * start from wider noise, silent ones from narrow noise, and the loss is weighted by 1 / sigma_E^2.
 */
public final class EnergyPrior {

    private final double energyMin;
    private final double energyMax;
    private final double floor;

    public EnergyPrior(VocoderConfig config) {
        this.energyMin = config.energyMin();
        this.energyMax = config.energyMax();
        this.floor = config.sigmaFloor();
    }

    /** (B, nMels, F) natural-log mel to (B, F) frame energy E. */
    public static NDArray frameEnergy(NDArray logMel) {
        return logMel.exp().sum(new int[] {1}).sqrt();
    }

    /** (B, nMels, F) natural-log mel to (B, F) sigma_E in [floor, ...). */
    public NDArray sigmaFrames(NDArray logMel) {
        return frameEnergy(logMel).sub(energyMin).div(energyMax - energyMin).maximum(floor);
    }
}
