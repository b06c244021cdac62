package dev.tessera.tokenizers.pretokenize;

import dev.tessera.tokenizers.PreTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the matches of a regex and the text between them (HF's {@code Isolated} split). Slow; it is
 * the specification the scanners are tested against.
 */
public final class RegexPreTokenizer implements PreTokenizer {

    /** GPT-2's pattern, as HF's {@code ByteLevel} uses it with {@code use_regex: true}. */
    public static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Unicode {@code \s}, as Oniguruma's, which the JDK only gives with {@code UNICODE_CHARACTER_CLASS}. */
    public static final Pattern GPT2 = Pattern.compile(GPT2_REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    private final Pattern pattern;

    public RegexPreTokenizer(Pattern pattern) {
        this.pattern = pattern;
    }

    public static RegexPreTokenizer gpt2() {
        return new RegexPreTokenizer(GPT2);
    }

    @Override
    public List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                parts.add(text.substring(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < text.length()) {
            parts.add(text.substring(last));
        }
        return parts;
    }
}
