package dev.tessera.tokenizers.pretokenize;

import dev.tessera.tokenizers.PreTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-tokenizers for source code (CodeBPE, Chirkova and Troshin), selectable beside the plain GPT-2 one. All
 * sit on the byte-level base, and in all but {@link Variant#GPT2} whitespace runs are words of their own, split
 * before each line break so that a newline plus the indentation after it is one word ({@code "\n    "}).
 */
public final class CodePreTokenizer implements PreTokenizer {

    /** How words are cut. */
    public enum Variant {
        /** The GPT-2 regex (the baseline). */
        GPT2("gpt2"),
        /**
         * Whitespace runs; identifier parts split at {@code _} and {@code $}, at lower-to-upper case changes and
         * at letter-digit changes (numbers are digit runs); each punctuation character alone.
         */
        CODE_FINE("code-fine"),
        /** Whitespace runs; whole identifiers {@code [\p{L}\p{N}_$]+}; runs of punctuation ({@code ();}). */
        CODE_IDENT("code-ident"),
        /** Split only at whitespace runs, so merges may join identifiers and punctuation ({@code .get(}). */
        CODE_COMPOSITE("code-composite");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        /** The name used on the command line and in tokenizer.meta.json. */
        public String id() {
            return id;
        }

        public static Variant of(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new dev.tessera.tokenizers.TokenizerException(
                    dev.tessera.tokenizers.TokenizerException.Code.BAD_CONFIG,
                    "unknown pre-tokenizer " + id + "; expected gpt2, code-fine, code-ident or code-composite");
        }
    }

    /** The longest token of {@code code-composite} BPE, in initial characters (the spec's default). */
    public static final int COMPOSITE_MAX_TOKEN_LENGTH = 16;

    private static final int SPACE = 0;
    private static final int IDENT = 1;
    private static final int PUNCT = 2;

    private final Variant variant;

    public CodePreTokenizer(Variant variant) {
        this.variant = variant;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public List<String> split(String text) {
        if (variant == Variant.GPT2) {
            return Gpt2PreTokenizer.INSTANCE.split(text);
        }
        List<String> out = new ArrayList<>(text.length() / 3 + 1);
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            int kind = kind(cp);
            int end;
            if (kind == SPACE) {
                end = whitespaceWordEnd(text, i, n);
            } else if (variant == Variant.CODE_COMPOSITE) {
                end = runEnd(text, i, n, k -> k != SPACE);
            } else if (kind == IDENT) {
                end = variant == Variant.CODE_IDENT ? runEnd(text, i, n, k -> k == IDENT) : identifierPartEnd(text, i, n);
            } else {
                end = variant == Variant.CODE_IDENT ? runEnd(text, i, n, k -> k == PUNCT) : i + Character.charCount(cp);
            }
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }

    private static int kind(int cp) {
        if (CharClass.of(cp) == CharClass.SPACE) {
            return SPACE;
        }
        if (cp == '_' || cp == '$' || Character.isLetterOrDigit(cp) || isMark(cp)
                || CharClass.of(cp) == CharClass.NUMBER) {
            return IDENT;
        }
        return PUNCT;
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK;
    }

    private interface KindTest {
        boolean test(int kind);
    }

    private static int runEnd(String text, int i, int n, KindTest keep) {
        int end = i;
        while (end < n) {
            int cp = text.codePointAt(end);
            if (!keep.test(kind(cp))) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /** A whitespace run up to the next line break after its first character ("\r\n" counts as one). */
    private static int whitespaceWordEnd(String text, int i, int n) {
        int end = i;
        while (end < n) {
            int cp = text.codePointAt(end);
            if (kind(cp) != SPACE) {
                break;
            }
            boolean lineBreakStart = cp == '\r' || (cp == '\n' && (end == 0 || text.charAt(end - 1) != '\r'));
            if (end > i && lineBreakStart) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /** {@code code-fine}: one part of an identifier. */
    private static int identifierPartEnd(String text, int i, int n) {
        int cp = text.codePointAt(i);
        if (cp == '_' || cp == '$') {
            return i + 1;
        }
        boolean digit = isDigit(cp);
        int end = i + Character.charCount(cp);
        int prev = cp;
        while (end < n) {
            int c = text.codePointAt(end);
            if (kind(c) != IDENT || c == '_' || c == '$' || isDigit(c) != digit) {
                break;
            }
            if (Character.isLowerCase(prev) && Character.isUpperCase(c)) {
                break;
            }
            prev = c;
            end += Character.charCount(c);
        }
        return end;
    }

    private static boolean isDigit(int cp) {
        return CharClass.of(cp) == CharClass.NUMBER;
    }
}
