package dev.tessera.tokenizers.pretokenize;

/** The three classes the GPT-2 pattern distinguishes, by Unicode general category. */
final class CharClass {

    static final int LETTER = 0;
    static final int NUMBER = 1;
    static final int SPACE = 2;
    static final int OTHER = 3;

    private CharClass() {
    }

    /** {@code \p{L}}, {@code \p{N}}, {@code \s} (Unicode White_Space, as the JDK defines it) or anything else. */
    static int of(int cp) {
        int type = Character.getType(cp);
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            default:
                return (cp >= 0x9 && cp <= 0xD) || cp == 0x85 ? SPACE : OTHER;
        }
    }
}
