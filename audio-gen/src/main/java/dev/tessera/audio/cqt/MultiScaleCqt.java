package dev.tessera.audio.cqt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The CQT front end of the MS-SB-CQT discriminator: 22,050 Hz audio is up-sampled once to 44,100 Hz
 * (so nine octaves from 32.70 Hz fit below Nyquist), then each {@link CqtScale} takes its transform and
 * the result is scaled like nnAudio's "librosa" CQT, ready for the sub-band convolutions.
 */
public final class MultiScaleCqt {

    private final HalfBandUpsampler upsampler = new HalfBandUpsampler();
    private final List<ConstantQTransform> transforms;

    public MultiScaleCqt(List<CqtScale> scales) {
        this.transforms = new ArrayList<>();
        for (CqtScale s : scales) {
            transforms.add(s.transform());
        }
    }

    public static MultiScaleCqt msSbCqtd() {
        return new MultiScaleCqt(CqtScale.MS_SB_CQTD);
    }

    public List<ConstantQTransform> transforms() {
        return List.copyOf(transforms);
    }

    /**
     * (B, T) float32 audio at 22,050 Hz → one (B, 2, frames_s, 9·B_s) array per scale, librosa-scaled,
     * attached to the input's manager.
     */
    public NDList forward(NDArray audio22k) {
        NDManager owner = audio22k.getManager();
        try (NDManager scope = owner.newSubManager()) {
            audio22k.tempAttach(scope);
            NDArray x = upsampler.upsample(audio22k);
            NDList out = new NDList(transforms.size());
            for (ConstantQTransform t : transforms) {
                NDArray c = t.librosaScale(t.forward(x));
                c.attach(owner);
                out.add(c);
            }
            return out;
        }
    }
}
