package dev.tessera.audio.discriminator;

import dev.tessera.core.nn.FixedShapeBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * HiFi-GAN's multi-period discriminator (audio spec 3): one sub-discriminator per period p looks at the
 * waveform as p interleaved sub-sequences x[mp + j], so it judges structure that repeats every p samples
 * (pitch periods and their harmonics) independently of the rest.
 *
 * <p>Per period: reflect-pad T up to a multiple of p, fold the period into the batch ((B, T) → (B·p, 1, T/p),
 * column j of HiFi-GAN's (T/p) × p grid becoming example b·p + j), then weight-normed Conv1d layers, which
 * equal HiFi-GAN's (k, 1) Conv2d kernels (spec 2.2): four (k5, s3) convolutions, one (k5, s1), LeakyReLU 0.1
 * after each, and an output (k3) convolution to one logit channel. Feature maps and logits are unfolded
 * back to HiFi-GAN's (B, C, T', p) layout; there are 5 hidden maps plus the logit map.
 *
 * <p>Sizes ({@link MultiPeriodDiscriminatorConfig#tiny()}, scaled for two CPU cores): widths 16/32/64/128/128,
 * 136,882 parameters per period, 684,410 for the five periods (weight-norm gains included), about
 * 0.24 GMAC per audio second. HiFi-GAN's widths 32/128/512/1024/1024: 41,105,770 parameters, ≈12.3 GMAC/s.
 */
public final class MultiPeriodDiscriminator extends Discriminator {

    private final MultiPeriodDiscriminatorConfig config;
    private final List<PeriodDiscriminator> subs = new ArrayList<>();

    public MultiPeriodDiscriminator(MultiPeriodDiscriminatorConfig config) {
        this.config = config;
        for (int p : config.periods()) {
            subs.add(child("p" + p, new PeriodDiscriminator(p, config)));
        }
    }

    public MultiPeriodDiscriminatorConfig config() {
        return config;
    }

    @Override
    public String prefix() {
        return "mpd";
    }

    @Override
    public int minSamples() {
        return config.periods().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
    }

    /** (B, T) audio → one output per period, named {@code mpd.p<period>}. */
    @Override
    public List<DiscriminatorOutput> forward(ParameterStore ps, NDArray audio, boolean training) {
        checkAudio(audio);
        List<DiscriminatorOutput> out = new ArrayList<>(subs.size());
        for (PeriodDiscriminator d : subs) {
            out.add(d.forward(ps, audio, training));
        }
        return out;
    }

    /** One period: folded 1-D convolutions. */
    static final class PeriodDiscriminator extends FixedShapeBlock {

        private final int period;
        private final float slope;
        private final List<NormConv> convs = new ArrayList<>();
        private final NormConv post;

        PeriodDiscriminator(int period, MultiPeriodDiscriminatorConfig c) {
            this.period = period;
            this.slope = (float) c.slope();
            int in = 1;
            List<Integer> widths = c.channels();
            for (int i = 0; i < widths.size(); i++) {
                int stride = i < widths.size() - 1 ? c.stride() : 1;
                convs.add(child("conv" + i, NormConv.conv1d(in, widths.get(i), c.kernel(), stride, c.kernel() / 2, 1,
                        true)));
                in = widths.get(i);
            }
            int k = MultiPeriodDiscriminatorConfig.OUTPUT_KERNEL;
            this.post = child("post", NormConv.conv1d(in, 1, k, 1, k / 2, 1, true));
        }

        DiscriminatorOutput forward(ParameterStore ps, NDArray audio, boolean training) {
            long batch = audio.getShape().get(0);
            long t = audio.getShape().get(1);
            long pad = (period - t % period) % period;
            NDArray x = audio;
            if (pad > 0) { // reflect, as F.pad(x, (0, pad), "reflect"): x[T-2], x[T-3], ...
                x = x.concat(x.get(":, " + (t - 1 - pad) + ":" + (t - 1)).flip(1), 1);
            }
            long rows = (t + pad) / period;
            NDArray h = x.reshape(batch, rows, period).transpose(0, 2, 1).reshape(batch * period, 1, rows); // (B·p, 1, T/p)
            List<NDArray> features = new ArrayList<>(convs.size() + 1);
            for (NormConv conv : convs) {
                h = Activation.leakyRelu(conv.forward(ps, h, training), slope); // (B·p, C, L)
                features.add(unfold(h, batch));
            }
            NDArray logits = unfold(post.forward(ps, h, training), batch); // (B, 1, L, p)
            features.add(logits);
            return new DiscriminatorOutput("mpd.p" + period, logits, features);
        }

        /** (B·p, C, L) → (B, C, L, p): HiFi-GAN's 2-D layout. */
        private NDArray unfold(NDArray h, long batch) {
            long channels = h.getShape().get(1);
            long length = h.getShape().get(2);
            return h.reshape(batch, period, channels, length).transpose(0, 2, 3, 1);
        }
    }
}
