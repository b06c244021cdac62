package dev.tessera.image.sample;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * What a preview shows where no token is drawn yet (specs/image.md 3): the <em>neutral</em> code (the
 * most frequent training code, expected to be blank background) everywhere, or the <em>most probable</em>
 * code per position (a table of per-position modes of the training tokens).
 *
 * @param kind which of the two
 * @param neutralCode the neutral code, in {@code [0, 2^K)}
 * @param positionModes one code per position for {@link Kind#POSITION_MODES}, else null
 */
public record PreviewFill(Kind kind, long neutralCode, long[] positionModes) {

    public enum Kind { NEUTRAL, POSITION_MODES }

    public PreviewFill {
        if (neutralCode < 0) {
            throw new IllegalArgumentException("the neutral code must be a token index, got " + neutralCode);
        }
        if (kind == Kind.POSITION_MODES && positionModes == null) {
            throw new IllegalArgumentException("a position-modes fill needs its table of modes");
        }
        positionModes = positionModes == null ? null : positionModes.clone();
    }

    public static PreviewFill neutral(long code) {
        return new PreviewFill(Kind.NEUTRAL, code, null);
    }

    /**
     * Reads the {@code preview} object of the AR model's config: {@code neutralCode}, optional
     * {@code positionModes} (one code per position) and optional {@code fill} ({@code "neutral"} or
     * {@code "modes"}; default: modes when the table is there). Absent fields fall back to {@code neutral}.
     *
     * @param tokens positions per image, to check the table against
     * @param bits K, to check the codes against
     */
    public static PreviewFill fromJson(JsonObject preview, long fallbackNeutral, int tokens, int bits) {
        if (preview == null) {
            return neutral(fallbackNeutral);
        }
        long neutral = preview.getLong("neutralCode", fallbackNeutral);
        checkCode(neutral, bits, "preview.neutralCode");
        JsonArray modes = preview.getJsonArray("positionModes");
        long[] table = null;
        if (modes != null) {
            if (modes.size() != tokens) {
                throw new IllegalArgumentException("preview.positionModes holds " + modes.size() + " codes; the model has "
                        + tokens + " positions");
            }
            table = new long[tokens];
            for (int i = 0; i < tokens; i++) {
                table[i] = modes.getLong(i);
                checkCode(table[i], bits, "preview.positionModes[" + i + "]");
            }
        }
        String fill = preview.getString("fill", table != null ? "modes" : "neutral");
        return switch (fill) {
            case "neutral" -> new PreviewFill(Kind.NEUTRAL, neutral, table);
            case "modes" -> new PreviewFill(Kind.POSITION_MODES, neutral, table);
            default -> throw new IllegalArgumentException("preview.fill must be 'neutral' or 'modes', got '" + fill + "'");
        };
    }

    /** {@code partial} with every -1 replaced by this fill's code for that position. */
    public long[] fill(long[] partial) {
        long[] out = partial.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0) {
                out[i] = kind == Kind.POSITION_MODES ? positionModes[i] : neutralCode;
            }
        }
        return out;
    }

    private static void checkCode(long code, int bits, String field) {
        if (code < 0 || code >= 1L << bits) {
            throw new IllegalArgumentException(field + " must be in [0, " + (1L << bits) + "), got " + code);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreviewFill f && kind == f.kind && neutralCode == f.neutralCode
                && Arrays.equals(positionModes, f.positionModes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Long.hashCode(neutralCode)) + Arrays.hashCode(positionModes);
    }
}
