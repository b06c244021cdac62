package dev.tessera.distill.turbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.train.TrainableParameters;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Weight subcloning (Samragh et al. 2023): a smaller {@link PeriodWave} student initialised from its
 * teacher rather than from scratch, by keeping the teacher's most important U-Net channels and a subset of
 * its period branches.
 *
 * <p>Channel identity. Inside one U-Net level every layer reads and writes the same residual stream (the
 * residual units add into it, the skip joins it, the stage bias and the mel condition are added to it),
 * so channel c of level l means one thing throughout the level, in every period branch (they share
 * weights). One set of kept channels per level is therefore applied to every tensor axis that runs over
 * that level: output rows of the convolution that makes it, input columns of the one that reads it, both
 * axes of its residual units, the sub-pixel convolution's rows r·C_l + c for every phase r, the stage
 * bias rows, the encoder's per-period projections (level 3) and the last convolution's inputs (level 0).
 *
 * <p>Importance of channel c of level l = the sum of squares of every weight in those slices (residual
 * units with their effective weight g·v/‖v‖); the top {@code studentChannels[l]} are kept, in the
 * teacher's order. Weight-normed units keep their effective kernels on the kept inputs: g is rescaled by
 * ‖v_kept‖/‖v‖. The mel encoder and the time MLP are copied whole. A dropped period takes its encoder
 * projection and its row of the period embedding with it (the branch sum's 1/√P then changes, so fewer
 * periods are close to the teacher, not equal to it).
 *
 * <p>A student with the teacher's widths and periods is the teacher exactly ({@code SubcloningTest}).
 */
public final class Subcloning {

    /** One U-Net level (0..3) or the sub-pixel layout of a level's rows (factor × C_l). */
    private record Axis(int level, boolean subPixel, boolean periods) {
        static Axis level(int l) {
            return new Axis(l, false, false);
        }

        static Axis subPixel(int l) {
            return new Axis(l, true, false);
        }

        static final Axis PERIODS = new Axis(-1, false, true);
    }

    private static final Pattern INDEX_PREFIX = Pattern.compile("(^|_)\\d{2}(?=[a-z])");
    private static final Pattern UNIT = Pattern.compile("(unit(\\d)_\\d+|middle_unit\\d+|up_unit(\\d)_\\d+|final_unit\\d+)_(weight_v|weight_g|bias)");
    private static final Pattern DOWN = Pattern.compile("down(\\d)_(weight|bias)");
    private static final Pattern UP = Pattern.compile("up(\\d)_conv_(weight|bias)");
    private static final Pattern STAGE = Pattern.compile("bias_(down1|down2|middle|up2|up1|up0)_(weight|bias)");
    private static final Pattern ENCODER_PERIOD = Pattern.compile("encoder_period(\\d+)_(weight|bias)");

    private Subcloning() {
    }

    /** The student's shape: the teacher's, with the given widths and periods (empty = the teacher's). */
    public static VocoderConfig studentConfig(VocoderConfig teacher, List<Integer> channels, List<Integer> periods) {
        List<Integer> ch = channels.isEmpty() ? teacher.channels() : channels;
        List<Integer> ps = periods.isEmpty() ? teacher.periods() : periods;
        for (int l = 0; l < ch.size() && l < teacher.channels().size(); l++) {
            if (ch.get(l) > teacher.channels().get(l)) {
                throw new IllegalArgumentException("a subcloned student can only be narrower: level " + l + " has "
                        + teacher.channels().get(l) + " channels in the teacher, " + ch.get(l) + " asked");
            }
        }
        if (!teacher.periods().containsAll(ps)) {
            throw new IllegalArgumentException("the student's periods " + ps + " must be a subset of the teacher's "
                    + teacher.periods());
        }
        return VocoderConfig.fromJson(teacher.toJson().put("channels", new JsonArray(new ArrayList<>(ch)))
                .put("periods", new JsonArray(new ArrayList<>(ps))));
    }

    /**
     * A new student of shape {@code studentConfig} (see {@link #studentConfig}) whose weights are the
     * teacher's kept channels, in {@code manager}.
     */
    public static PeriodWave subclone(PeriodWave teacher, VocoderConfig studentConfig, NDManager manager) {
        PeriodWave student = new PeriodWave(studentConfig).initialize(manager);
        Map<String, Tensor> source = tensors(teacher);
        int[][] keep = keptChannels(source, teacher.config().channels(), studentConfig.channels());
        List<Integer> teacherPeriods = teacher.config().periods();
        int[] keptPeriods = studentConfig.periods().stream().mapToInt(teacherPeriods::indexOf).toArray();
        TrainableParameters params = new TrainableParameters(student);
        Map<String, NDArray> values = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            for (TrainableParameters.Entry e : params.all()) {
                String key = semantic(e.name());
                Tensor t = source.get(key);
                if (t == null) {
                    throw new IllegalStateException("the teacher has no parameter " + key + " for the student's " + e.name());
                }
                Axis[] axes = axes(key);
                int[][] index = new int[t.shape.length][];
                for (int a = 0; a < axes.length && a < index.length; a++) {
                    Axis axis = axes[a];
                    if (axis == null) {
                        continue;
                    }
                    if (axis.periods()) {
                        index[a] = keptPeriods;
                    } else if (axis.subPixel()) {
                        index[a] = subPixelRows(keep[axis.level()], (int) (t.shape[a] / teacher.config().channels()
                                .get(axis.level())), teacher.config().channels().get(axis.level()));
                    } else {
                        index[a] = keep[axis.level()];
                    }
                }
                Tensor kept = t.select(index);
                if (key.endsWith("_weight_g")) {
                    kept = rescaledGain(kept, source.get(key.replace("_weight_g", "_weight_v")), index[0],
                            keep[unitLevel(key)]);
                }
                Shape shape = new Shape(kept.shape);
                if (!shape.equals(e.array().getShape())) {
                    throw new IllegalStateException("subcloned " + key + " has shape " + shape + ", the student expects "
                            + e.array().getShape());
                }
                values.put(e.name(), scratch.create(kept.data, shape));
            }
            params.copyFrom(values);
        }
        return student;
    }

    /** Per level, the indices of the teacher channels to keep, ascending: the largest by importance. */
    static int[][] keptChannels(Map<String, Tensor> source, List<Integer> teacherChannels, List<Integer> studentChannels) {
        int levels = teacherChannels.size();
        double[][] importance = new double[levels][];
        for (int l = 0; l < levels; l++) {
            importance[l] = new double[teacherChannels.get(l)];
        }
        for (Map.Entry<String, Tensor> e : source.entrySet()) {
            String key = e.getKey();
            if (key.endsWith("_weight_g")) {
                continue; // counted in the unit's effective kernel
            }
            Tensor t = key.endsWith("_weight_v") ? effective(e.getValue(), source.get(key.replace("_weight_v", "_weight_g")))
                    : e.getValue();
            Axis[] axes = axes(key);
            for (int a = 0; a < axes.length && a < t.shape.length; a++) {
                Axis axis = axes[a];
                if (axis == null || axis.periods()) {
                    continue;
                }
                double[] sums = t.squaresAlong(a);
                int c = teacherChannels.get(axis.level());
                for (int i = 0; i < sums.length; i++) {
                    importance[axis.level()][axis.subPixel() ? i % c : i] += sums[i];
                }
            }
        }
        int[][] keep = new int[levels][];
        for (int l = 0; l < levels; l++) {
            double[] imp = importance[l];
            Integer[] order = new Integer[imp.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Double.compare(imp[y], imp[x]));
            int[] k = new int[studentChannels.get(l)];
            for (int i = 0; i < k.length; i++) {
                k[i] = order[i];
            }
            Arrays.sort(k);
            keep[l] = k;
        }
        return keep;
    }

    /** Which level each axis of a parameter runs over; null entries are kept whole. */
    private static Axis[] axes(String key) {
        Matcher m;
        if (key.equals("period_embedding")) {
            return new Axis[] {Axis.PERIODS};
        }
        if ((m = ENCODER_PERIOD.matcher(key)).matches()) {
            return new Axis[] {Axis.level(3)};
        }
        if ((m = STAGE.matcher(key)).matches()) {
            int level = switch (m.group(1)) {
                case "down1", "up1" -> 1;
                case "down2", "up2" -> 2;
                case "middle" -> 3;
                default -> 0;
            };
            return new Axis[] {Axis.level(level)};
        }
        if (key.startsWith("in0_")) {
            return new Axis[] {Axis.level(0)};
        }
        if ((m = DOWN.matcher(key)).matches()) {
            int l = Integer.parseInt(m.group(1));
            return new Axis[] {Axis.level(l), Axis.level(l - 1)};
        }
        if ((m = UP.matcher(key)).matches()) {
            int l = Integer.parseInt(m.group(1));
            return new Axis[] {Axis.subPixel(l), Axis.level(l + 1)};
        }
        if (UNIT.matcher(key).matches()) {
            int l = unitLevel(key);
            return key.endsWith("_weight_v") ? new Axis[] {Axis.level(l), Axis.level(l)} : new Axis[] {Axis.level(l)};
        }
        if (key.equals("out_weight")) {
            return new Axis[] {null, Axis.level(0)};
        }
        return new Axis[0]; // mel encoder, time MLP, the last bias: copied whole
    }

    private static int unitLevel(String key) {
        Matcher m = UNIT.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " is not a residual unit");
        }
        if (m.group(2) != null) {
            return Integer.parseInt(m.group(2));
        }
        if (m.group(3) != null) {
            return Integer.parseInt(m.group(3));
        }
        return key.startsWith("middle_") ? 3 : 0;
    }

    /** Rows r·C + c of a sub-pixel convolution for every phase r and kept channel c, in the student's order. */
    private static int[] subPixelRows(int[] kept, int factor, int channels) {
        int[] rows = new int[factor * kept.length];
        for (int r = 0; r < factor; r++) {
            for (int j = 0; j < kept.length; j++) {
                rows[r * kept.length + j] = r * channels + kept[j];
            }
        }
        return rows;
    }

    /** g' = g·‖v[o, kept]‖/‖v[o]‖, so the kept part of each effective kernel g·v/‖v‖ is unchanged. */
    private static Tensor rescaledGain(Tensor keptGain, Tensor v, int[] keptOut, int[] keptIn) {
        int out = (int) v.shape[0];
        int in = (int) v.shape[1];
        int k = (int) v.shape[2];
        boolean[] isKept = new boolean[in];
        for (int i : keptIn) {
            isKept[i] = true;
        }
        float[] g = keptGain.data.clone();
        for (int j = 0; j < g.length; j++) {
            int o = keptOut == null ? j : keptOut[j];
            double all = 0;
            double kept = 0;
            for (int i = 0; i < in; i++) {
                for (int t = 0; t < k; t++) {
                    double w = v.data[(o * in + i) * k + t];
                    all += w * w;
                    if (isKept[i]) {
                        kept += w * w;
                    }
                }
            }
            g[j] = (float) (g[j] * Math.sqrt(kept / all));
        }
        assert out >= g.length;
        return new Tensor(g, keptGain.shape);
    }

    /** The effective kernel g·v/‖v‖ of a weight-normed unit, norm over inputs and taps per output. */
    private static Tensor effective(Tensor v, Tensor g) {
        int out = (int) v.shape[0];
        int per = v.data.length / out;
        float[] w = new float[v.data.length];
        for (int o = 0; o < out; o++) {
            double n = 0;
            for (int i = 0; i < per; i++) {
                n += (double) v.data[o * per + i] * v.data[o * per + i];
            }
            double s = g.data[o] / Math.sqrt(n);
            for (int i = 0; i < per; i++) {
                w[o * per + i] = (float) (v.data[o * per + i] * s);
            }
        }
        return new Tensor(w, v.shape);
    }

    /** The teacher's parameters by {@link #semantic} name, as float arrays. */
    private static Map<String, Tensor> tensors(PeriodWave model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TrainableParameters.Entry e : new TrainableParameters(model).all()) {
            try (NDArray view = e.array().stopGradient()) {
                out.put(semantic(e.name()), new Tensor(view.toFloatArray(), view.getShape().getShape()));
            }
        }
        return out;
    }

    /**
     * A parameter's name without DJL's child-order prefixes ({@code 29up2_01conv_weight} →
     * {@code up2_conv_weight}): the prefixes count children, so they shift when a student has fewer periods.
     */
    static String semantic(String name) {
        return INDEX_PREFIX.matcher(name).replaceAll("$1");
    }

    /** A row-major float tensor. */
    record Tensor(float[] data, long[] shape) {

        /** The sub-tensor at the given indices per axis (null = the whole axis), row-major. */
        Tensor select(int[][] index) {
            int rank = shape.length;
            int[][] idx = new int[rank][];
            long[] outShape = new long[rank];
            for (int a = 0; a < rank; a++) {
                idx[a] = index[a] != null ? index[a] : range((int) shape[a]);
                outShape[a] = idx[a].length;
            }
            long[] strides = new long[rank];
            long s = 1;
            for (int a = rank - 1; a >= 0; a--) {
                strides[a] = s;
                s *= shape[a];
            }
            int size = 1;
            for (long d : outShape) {
                size *= (int) d;
            }
            float[] out = new float[size];
            int[] pos = new int[rank];
            for (int i = 0; i < size; i++) {
                long src = 0;
                for (int a = 0; a < rank; a++) {
                    src += idx[a][pos[a]] * strides[a];
                }
                out[i] = data[(int) src];
                for (int a = rank - 1; a >= 0; a--) {
                    if (++pos[a] < outShape[a]) {
                        break;
                    }
                    pos[a] = 0;
                }
            }
            return new Tensor(out, outShape);
        }

        /** Sum of squares of each slice along {@code axis}. */
        double[] squaresAlong(int axis) {
            long inner = 1;
            for (int a = axis + 1; a < shape.length; a++) {
                inner *= shape[a];
            }
            int n = (int) shape[axis];
            double[] sums = new double[n];
            for (int i = 0; i < data.length; i++) {
                sums[(int) ((i / inner) % n)] += (double) data[i] * data[i];
            }
            return sums;
        }

        private static int[] range(int n) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            return r;
        }
    }
}
