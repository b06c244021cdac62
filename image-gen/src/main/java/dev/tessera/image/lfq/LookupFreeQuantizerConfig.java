package dev.tessera.image.lfq;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the {@link LookupFreeQuantizer} (specs/image.md 1.2).
 *
 * @param bits K, bits per token: codebook {-1,+1}^K of 2^K codes, 1..18 (default 14)
 * @param commitmentWeight weight of {@code L_commit} in {@code loss} (0.25)
 * @param entropyWeight weight of {@code L_ent = H_sample - H_codebook} in {@code loss} (0.1)
 * @param temperature tau of the code distribution {@code softmax_c(sum_i 2 z_i c_i / tau)} (0.01)
 * @param codebookEntropy how {@code H_codebook} is computed: exact over all 2^K codes (K <= 16), or
 *     summed over groups of bits (an upper bound of the joint entropy)
 * @param groupBits the group sizes when grouped, summing to {@code bits}; empty when exact
 * @param chunkCodes codes per chunk of the exact computation (4,096): bounds memory to N x chunk floats
 * @param leanGradient compute the exact codebook entropy in two no-grad passes and a surrogate with the
 *     same gradient (the "lean path"), instead of keeping every chunk's graph on the tape
 */
public record LookupFreeQuantizerConfig(int bits, float commitmentWeight, float entropyWeight, float temperature,
                                        CodebookEntropy codebookEntropy, List<Integer> groupBits, int chunkCodes,
                                        boolean leanGradient) {

    public static final int MAX_BITS = 18;
    /** Largest K for which the exact codebook entropy is offered (2^16 codes per position per pass). */
    public static final int MAX_EXACT_BITS = 16;
    /** Largest K whose exact entropy is the default; above it the default is grouped. */
    public static final int DEFAULT_EXACT_LIMIT = 14;
    /** Largest bit group of the grouped entropy: 2^9 = 512 sub-codes. */
    public static final int MAX_GROUP_BITS = 9;

    /** How the batch (codebook) entropy is estimated. */
    public enum CodebookEntropy {
        /** Exact over all 2^K codes, in chunks. */
        EXACT,
        /** Sum of exact entropies of groups of bits; ignores dependence between groups. */
        GROUPED
    }

    public LookupFreeQuantizerConfig {
        groupBits = List.copyOf(groupBits);
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("LFQ bits must be in 1.." + MAX_BITS + ", got " + bits);
        }
        if (!(temperature > 0) || commitmentWeight < 0 || entropyWeight < 0) {
            throw new IllegalArgumentException("LFQ needs a positive temperature and non-negative weights, got tau="
                    + temperature + " commitment=" + commitmentWeight + " entropy=" + entropyWeight);
        }
        if (chunkCodes < 1) {
            throw new IllegalArgumentException("chunkCodes must be positive, got " + chunkCodes);
        }
        if (codebookEntropy == CodebookEntropy.EXACT) {
            if (bits > MAX_EXACT_BITS) {
                throw new IllegalArgumentException("the exact codebook entropy over 2^" + bits
                        + " codes is too costly; use GROUPED for bits > " + MAX_EXACT_BITS);
            }
            if (!groupBits.isEmpty()) {
                throw new IllegalArgumentException("groupBits only apply to the GROUPED codebook entropy");
            }
        } else {
            int sum = groupBits.stream().mapToInt(Integer::intValue).sum();
            if (sum != bits || groupBits.stream().anyMatch(g -> g < 1 || g > MAX_EXACT_BITS)) {
                throw new IllegalArgumentException("groupBits " + groupBits + " must be sizes in 1.." + MAX_EXACT_BITS
                        + " summing to bits=" + bits);
            }
        }
    }

    /** The spec's defaults for K bits: exact up to 14 bits, else groups of at most 9 bits (16: 8+8, 18: 9+9). */
    public static LookupFreeQuantizerConfig defaults(int bits) {
        if (bits <= DEFAULT_EXACT_LIMIT) {
            return new LookupFreeQuantizerConfig(bits, 0.25f, 0.1f, 0.01f, CodebookEntropy.EXACT, List.of(), 4096, true);
        }
        return new LookupFreeQuantizerConfig(bits, 0.25f, 0.1f, 0.01f, CodebookEntropy.GROUPED, evenGroups(bits),
                4096, true);
    }

    /** The default: K = 14, codebook 16,384. */
    public static LookupFreeQuantizerConfig defaults() {
        return defaults(14);
    }

    /** Splits {@code bits} into the fewest groups of at most 9 bits, as even as possible, larger first. */
    static List<Integer> evenGroups(int bits) {
        int n = (bits + MAX_GROUP_BITS - 1) / MAX_GROUP_BITS;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(bits / n + (i < bits % n ? 1 : 0));
        }
        return out;
    }

    public LookupFreeQuantizerConfig withCodebookEntropy(CodebookEntropy mode, List<Integer> groups) {
        return new LookupFreeQuantizerConfig(bits, commitmentWeight, entropyWeight, temperature, mode, groups,
                chunkCodes, leanGradient);
    }

    public LookupFreeQuantizerConfig withLeanGradient(boolean lean) {
        return new LookupFreeQuantizerConfig(bits, commitmentWeight, entropyWeight, temperature, codebookEntropy,
                groupBits, chunkCodes, lean);
    }

    public LookupFreeQuantizerConfig withTemperature(float tau) {
        return new LookupFreeQuantizerConfig(bits, commitmentWeight, entropyWeight, tau, codebookEntropy, groupBits,
                chunkCodes, leanGradient);
    }

    public LookupFreeQuantizerConfig withChunkCodes(int chunk) {
        return new LookupFreeQuantizerConfig(bits, commitmentWeight, entropyWeight, temperature, codebookEntropy,
                groupBits, chunk, leanGradient);
    }

    public JsonObject toJson() {
        return new JsonObject().put("bits", bits).put("commitmentWeight", commitmentWeight)
                .put("entropyWeight", entropyWeight).put("temperature", temperature)
                .put("codebookEntropy", codebookEntropy.name().toLowerCase(Locale.ROOT))
                .put("groupBits", new JsonArray(new ArrayList<>(groupBits))).put("chunkCodes", chunkCodes)
                .put("leanGradient", leanGradient);
    }

    /** Reads a config; absent fields take the defaults for its {@code bits}. */
    public static LookupFreeQuantizerConfig fromJson(JsonObject json) {
        LookupFreeQuantizerConfig d = defaults(json.getInteger("bits", 14));
        String mode = json.getString("codebookEntropy", d.codebookEntropy().name());
        CodebookEntropy m;
        try {
            m = CodebookEntropy.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("codebookEntropy must be 'exact' or 'grouped', got '" + mode + "'", e);
        }
        List<Integer> groups = new ArrayList<>();
        JsonArray g = json.getJsonArray("groupBits");
        if (g != null) {
            g.forEach(v -> groups.add(((Number) v).intValue()));
        } else if (m == CodebookEntropy.GROUPED) {
            groups.addAll(evenGroups(d.bits()));
        }
        return new LookupFreeQuantizerConfig(d.bits(), json.getFloat("commitmentWeight", d.commitmentWeight()),
                json.getFloat("entropyWeight", d.entropyWeight()), json.getFloat("temperature", d.temperature()), m,
                groups, json.getInteger("chunkCodes", d.chunkCodes()), json.getBoolean("leanGradient", d.leanGradient()));
    }
}
