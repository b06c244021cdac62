package dev.tessera.tokenizers;

import java.util.Random;

/**
 * Deterministic synthetic text for tests: words in several scripts, numbers of every Unicode kind, contractions,
 * punctuation runs, code-like lines, Unicode whitespace and supplementary characters. Nothing from the JDK.
 */
public final class TextCorpus {

    private static final String[] SYLLABLES = {"ka", "to", "re", "mi", "sun", "the", "and", "ing", "er", "qu",
        "x", "str", "ion", "pre", "ab", "ou", "ly", "est", "ch", "sh"};
    private static final String[] SCRIPTS = {"αβγ", "δελτα", "Привет", "мир", "日本語", "東京", "مرحبا", "नमस्ते",
        "한국어", "Ünïcödé", "çà", "straße", "ǅemal", "ÆØÅ", "𝐀𝐁𝐂", "𠀀𠀁", "ʰʲ", "ﬁne"};
    private static final String[] NUMBERS = {"0", "42", "3.14", "1e9", "٣٤", "१२", "²³", "Ⅻ", "①", "１２", "𝟎𝟏", "½"};
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'x", "''", "'"};
    private static final String[] PUNCT = {".", ",", "!", "?", "...", "();", "->", "::", "{", "}", "[]", "\"", "#",
        "@", "$", "%", "&&", "||", "==", "!=", "<=", "/*", "*/", "//", "«»", "—", "€", "©", "😀", "🎵", "👍🏽",
        "\u0301", "\u200B", "\uFEFF", "\u180E", "\u00AD"};
    private static final String[] SPACES = {" ", " ", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\n    ",
        "\u00A0", "\u2028", "\u2029", "\u3000", "\u1680", "\u0085", "\u2003", "\u000B", "\u000C", " \n", "\t\t "};
    private static final String[] CODE = {"public static void main(String[] args) {", "return x + y;",
        "if (a != null && b.isEmpty()) {", "for (int i = 0; i < n; i++) {", "}", "// TODO: fix it's bug",
        "String s = \"hello, world\";", "map.put(key, value);", "x->y", "List<Map<String, Integer>> m;",
        "@Override", "/** Javadoc's line. */", "int[] ids = new int[256];", "a::b", "obj.getValue().toString();",
        "camelCaseName snake_case_name SCREAMING_CASE x1y2z3", "0xFF 1_000_000 3.5e-7f"};

    private TextCorpus() {
    }

    /** About {@code approxChars} characters of mixed text and code, the same for the same seed. */
    public static String generate(long seed, int approxChars) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(approxChars + 64);
        while (sb.length() < approxChars) {
            appendPiece(rnd, sb);
        }
        return sb.toString();
    }

    private static void appendPiece(Random rnd, StringBuilder sb) {
        int kind = rnd.nextInt(100);
        if (kind < 35) {
            int syl = 1 + rnd.nextInt(3);
            for (int i = 0; i < syl; i++) {
                String s = SYLLABLES[rnd.nextInt(SYLLABLES.length)];
                sb.append(i == 0 && rnd.nextInt(6) == 0 ? Character.toUpperCase(s.charAt(0)) + s.substring(1) : s);
            }
        } else if (kind < 45) {
            sb.append(SCRIPTS[rnd.nextInt(SCRIPTS.length)]);
        } else if (kind < 52) {
            sb.append(NUMBERS[rnd.nextInt(NUMBERS.length)]);
        } else if (kind < 57) {
            sb.append(CONTRACTIONS[rnd.nextInt(CONTRACTIONS.length)]);
        } else if (kind < 67) {
            sb.append(PUNCT[rnd.nextInt(PUNCT.length)]);
        } else if (kind < 72) {
            sb.append(CODE[rnd.nextInt(CODE.length)]);
        } else if (kind < 75) {
            // Any BMP or supplementary code point that is not a surrogate.
            int cp;
            do {
                cp = rnd.nextInt(4) == 0 ? 0x10000 + rnd.nextInt(0x20000) : rnd.nextInt(0x10000);
            } while (Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED);
            sb.appendCodePoint(cp);
        } else {
            sb.append(rnd.nextInt(4) == 0 ? SPACES[rnd.nextInt(SPACES.length)] : " ");
        }
    }
}
