package dev.tessera.audio.vocoder;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a {@link PeriodWave} vocoder and the constants of its flow (audio spec 2.1-2.5). The
 * defaults are the spec's CPU "tiny" build (2.4); {@link #energyMin} and {@link #energyMax} are the
 * training set's frame-energy extremes and are measured before training.
 *
 * <p>Rates: the waveform runs at {@code sampleRate} Hz; a mel frame covers {@code hop} = 256 samples;
 * U-Net level l runs at 1/4^l of the rate of its (folded) branch, so the middle (level 3) is T/64.
 *
 * @param sampleRate Hz of the waveform and of the mel front end
 * @param hop samples per mel frame
 * @param nMels mel bins of the condition (the energy channel makes it {@code nMels + 1})
 * @param periods the period branches p; each folds the waveform into a (T/p) x p grid
 * @param channels U-Net widths at levels 0..3 (T, T/4, T/16, T/64 per branch), e.g. 16, 32, 64, 128
 * @param downKernel kernel of the strided (stride 4) down-sampling convolutions
 * @param downUnits residual units after the down-sampling conv of levels 1 and 2
 * @param middleDilations dilation of each residual unit in the middle (level 3)
 * @param upUnits residual units after the up-sampling to levels 2, 1 and 0
 * @param finalDilations dilations of the residual units after the period sum, at full rate
 * @param finalKernel kernel of the last convolution (channels[0] to 1)
 * @param timeEmbedding width of the sinusoidal embedding of 1000 t
 * @param periodEmbedding width of the learned period embedding
 * @param mlpHidden hidden width of the conditioning MLP
 * @param condition width of the conditioning vector the MLP outputs
 * @param encoderChannels width of the mel encoder
 * @param encoderBlocks ConvNeXt blocks of the mel encoder
 * @param encoderInner inner (inverted bottleneck) width of a ConvNeXt block
 * @param encoderKernel depthwise kernel of a ConvNeXt block, and of the encoder's input conv
 * @param sigmaMin sigma_min of the OT-CFM path
 * @param alpha scale of the energy prior: x0 = alpha * sigma_E * eps
 * @param energyMin smallest frame energy E = sqrt(sum exp(log-mel)) of the training set
 * @param energyMax largest frame energy of the training set
 * @param sigmaFloor sigma_E never goes below this (0.1 in the spec)
 */
public record VocoderConfig(int sampleRate, int hop, int nMels, List<Integer> periods, List<Integer> channels,
                            int downKernel, List<Integer> downUnits, List<Integer> middleDilations,
                            List<Integer> upUnits, List<Integer> finalDilations, int finalKernel, int timeEmbedding,
                            int periodEmbedding, int mlpHidden, int condition, int encoderChannels,
                            int encoderBlocks, int encoderInner, int encoderKernel, double sigmaMin, double alpha,
                            double energyMin, double energyMax, double sigmaFloor) {

    /** The spec's "tiny" CPU default (2.4). Energy extremes are placeholders until measured on data. */
    public static final VocoderConfig TINY = new VocoderConfig(22_050, 256, 80, List.of(1, 2, 3, 5, 7),
            List.of(16, 32, 64, 128), 9, List.of(1, 1), List.of(1, 3), List.of(1, 1, 0), List.of(1, 2, 4), 7, 64,
            64, 512, 128, 128, 4, 384, 7, 1e-4, 0.5, 0.0, 10.0, 0.1);

    /** Samples the U-Net's three stride-4 levels divide a branch's rows by: 4^3. */
    public static final int LEVEL_STRIDE = 4;
    public static final int DEPTH = 3;
    public static final int ROWS_PER_MIDDLE_ROW = 64;

    public VocoderConfig {
        periods = List.copyOf(periods);
        channels = List.copyOf(channels);
        downUnits = List.copyOf(downUnits);
        middleDilations = List.copyOf(middleDilations);
        upUnits = List.copyOf(upUnits);
        finalDilations = List.copyOf(finalDilations);
        List<String> errors = new ArrayList<>();
        if (sampleRate < 8_000 || hop < 1 || hop % ROWS_PER_MIDDLE_ROW != 0) {
            errors.add("need sampleRate >= 8000 and hop a multiple of 64, got " + sampleRate + " Hz, hop " + hop);
        }
        if (nMels < 1) {
            errors.add("nMels must be >= 1, got " + nMels);
        }
        if (periods.isEmpty() || periods.stream().anyMatch(p -> p < 1) || periods.stream().distinct().count() != periods.size()) {
            errors.add("periods must be distinct and >= 1, got " + periods);
        }
        if (channels.size() != DEPTH + 1 || channels.stream().anyMatch(c -> c < 1)) {
            errors.add("channels must give 4 widths >= 1 (levels 0..3), got " + channels);
        }
        if (downUnits.size() != DEPTH - 1 || upUnits.size() != DEPTH) {
            errors.add("need 2 downUnits (levels 1, 2) and 3 upUnits (levels 2, 1, 0), got " + downUnits + " and " + upUnits);
        }
        if (downKernel < 1 || downKernel % 2 == 0 || finalKernel < 1 || finalKernel % 2 == 0 || encoderKernel % 2 == 0) {
            errors.add("kernels must be odd, got down " + downKernel + ", final " + finalKernel + ", encoder " + encoderKernel);
        }
        if (timeEmbedding < 2 || timeEmbedding % 2 != 0 || periodEmbedding < 1 || mlpHidden < 1 || condition < 1) {
            errors.add("embedding widths must be >= 1 (timeEmbedding even), got " + timeEmbedding + ", " + periodEmbedding
                    + ", " + mlpHidden + ", " + condition);
        }
        if (encoderChannels < 1 || encoderBlocks < 0 || encoderInner < 1 || encoderKernel < 1) {
            errors.add("bad mel encoder widths " + encoderChannels + "/" + encoderBlocks + "/" + encoderInner + "/" + encoderKernel);
        }
        if (!(sigmaMin >= 0 && sigmaMin < 1) || !(alpha > 0) || !(sigmaFloor > 0 && sigmaFloor <= 1)) {
            errors.add("need 0 <= sigmaMin < 1, alpha > 0 and 0 < sigmaFloor <= 1, got " + sigmaMin + ", " + alpha + ", "
                    + sigmaFloor);
        }
        if (!(energyMax > energyMin) || !(energyMin >= 0)) {
            errors.add("need 0 <= energyMin < energyMax, got " + energyMin + " and " + energyMax);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("bad vocoder config: " + String.join("; ", errors));
        }
    }

    /** Width of the mel condition: the mels plus sigma_E. */
    public int conditionChannels() {
        return nMels + 1;
    }

    /** Samples a branch of period p pads a batch to: a multiple of 64 p, so every level has whole rows. */
    public long branchSamples(long samples, int period) {
        long unit = (long) ROWS_PER_MIDDLE_ROW * period;
        return (samples + unit - 1) / unit * unit;
    }

    public VocoderConfig withEnergy(double min, double max) {
        return new VocoderConfig(sampleRate, hop, nMels, periods, channels, downKernel, downUnits, middleDilations,
                upUnits, finalDilations, finalKernel, timeEmbedding, periodEmbedding, mlpHidden, condition,
                encoderChannels, encoderBlocks, encoderInner, encoderKernel, sigmaMin, alpha, min, max, sigmaFloor);
    }

    public VocoderConfig withPeriods(List<Integer> newPeriods) {
        return new VocoderConfig(sampleRate, hop, nMels, newPeriods, channels, downKernel, downUnits, middleDilations,
                upUnits, finalDilations, finalKernel, timeEmbedding, periodEmbedding, mlpHidden, condition,
                encoderChannels, encoderBlocks, encoderInner, encoderKernel, sigmaMin, alpha, energyMin, energyMax,
                sigmaFloor);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("model", "periodwave")
                .put("sampleRate", sampleRate).put("hop", hop).put("nMels", nMels)
                .put("periods", new JsonArray(new ArrayList<>(periods)))
                .put("channels", new JsonArray(new ArrayList<>(channels)))
                .put("downKernel", downKernel)
                .put("downUnits", new JsonArray(new ArrayList<>(downUnits)))
                .put("middleDilations", new JsonArray(new ArrayList<>(middleDilations)))
                .put("upUnits", new JsonArray(new ArrayList<>(upUnits)))
                .put("finalDilations", new JsonArray(new ArrayList<>(finalDilations)))
                .put("finalKernel", finalKernel).put("timeEmbedding", timeEmbedding)
                .put("periodEmbedding", periodEmbedding).put("mlpHidden", mlpHidden).put("condition", condition)
                .put("encoderChannels", encoderChannels).put("encoderBlocks", encoderBlocks)
                .put("encoderInner", encoderInner).put("encoderKernel", encoderKernel)
                .put("sigmaMin", sigmaMin).put("alpha", alpha).put("energyMin", energyMin).put("energyMax", energyMax)
                .put("sigmaFloor", sigmaFloor);
    }

    /** Reads a config; missing keys take {@link #TINY}'s values, unknown keys are refused by name. */
    public static VocoderConfig fromJson(JsonObject j) {
        JsonObject d = TINY.toJson();
        List<String> unknown = j.fieldNames().stream().filter(k -> !d.containsKey(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad vocoder config: unknown keys " + unknown + "; known keys are "
                    + d.fieldNames().stream().sorted().toList());
        }
        if (!"periodwave".equals(j.getString("model", "periodwave"))) {
            throw new IllegalArgumentException("bad vocoder config: model is '" + j.getString("model")
                    + "', expected 'periodwave'");
        }
        JsonObject c = d.copy().mergeIn(j);
        try {
            return new VocoderConfig(c.getInteger("sampleRate"), c.getInteger("hop"), c.getInteger("nMels"),
                    ints(c, "periods"), ints(c, "channels"), c.getInteger("downKernel"), ints(c, "downUnits"),
                    ints(c, "middleDilations"), ints(c, "upUnits"), ints(c, "finalDilations"),
                    c.getInteger("finalKernel"), c.getInteger("timeEmbedding"), c.getInteger("periodEmbedding"),
                    c.getInteger("mlpHidden"), c.getInteger("condition"), c.getInteger("encoderChannels"),
                    c.getInteger("encoderBlocks"), c.getInteger("encoderInner"), c.getInteger("encoderKernel"),
                    c.getDouble("sigmaMin"), c.getDouble("alpha"), c.getDouble("energyMin"), c.getDouble("energyMax"),
                    c.getDouble("sigmaFloor"));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("bad vocoder config: wrong value type (" + e.getMessage() + ")", e);
        }
    }

    private static List<Integer> ints(JsonObject j, String key) {
        JsonArray a = j.getJsonArray(key);
        List<Integer> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getInteger(i));
        }
        return out;
    }
}
