package dev.tessera.web.api;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of NumPy's {@code .npy} format for float32 arrays: what {@code np.save(f, a.astype('<f4'))}
 * writes, versions 1.0, 2.0 and 3.0. The header must be the dict NumPy writes (exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}) with {@code descr '<f4'}, {@code fortran_order False}
 * and a tuple of non-negative integers, and the data must be exactly as long as the shape says. Anything
 * else is refused with an {@link IllegalArgumentException} that says what was found and what to send;
 * nothing is allocated from a size before it has been checked against the bytes present.
 *
 * <p>Layout: {@code \x93NUMPY}, major and minor version bytes, the header length (uint16 for 1.0, uint32
 * for 2.0 and 3.0, little-endian), the header (ASCII, or UTF-8 for 3.0) ending in a newline, then the data.
 */
public final class Npy {

    /** A parsed array: C-order float32 values and their shape. */
    public record Array(long[] shape, float[] values) {
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The largest header we read; NumPy's are a few hundred bytes. */
    private static final int MAX_HEADER = 64 * 1024;

    private Npy() {
    }

    public static Array read(byte[] bytes) {
        if (bytes.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a .npy file: expected the magic string \\x93NUMPY at byte 0;"
                    + " write the array with numpy.save");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6] & 0xFF;
        int minor = bytes[7] & 0xFF;
        long headerLength;
        int headerStart;
        if (major == 1 && minor == 0) {
            headerLength = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException("truncated .npy file: it ends inside the header length");
            }
            headerLength = Integer.toUnsignedLong(b.getInt(8));
            headerStart = 12;
        } else {
            throw new IllegalArgumentException(".npy version " + major + "." + minor + " is not supported; expected"
                    + " 1.0, 2.0 or 3.0");
        }
        if (headerLength > MAX_HEADER || headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException("truncated .npy file: the header claims " + headerLength
                    + " bytes, " + (bytes.length - headerStart) + " follow");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
        if (!header.endsWith("\n")) {
            throw new IllegalArgumentException(".npy header does not end with a newline; the file is damaged");
        }
        Map<String, Object> dict = new HeaderParser(header.strip()).dict();
        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw new IllegalArgumentException(".npy header must have exactly the keys 'descr', 'fortran_order' and"
                    + " 'shape', got " + dict.keySet());
        }
        Object descr = dict.get("descr");
        if (!"<f4".equals(descr)) {
            throw new IllegalArgumentException(".npy dtype " + (descr instanceof String s ? "'" + s + "'" : descr)
                    + " is not accepted; send little-endian float32 ('<f4'), e.g. a.astype('<f4')");
        }
        if (!Boolean.FALSE.equals(dict.get("fortran_order"))) {
            throw new IllegalArgumentException(".npy array is in Fortran order; send C order (numpy.ascontiguousarray)");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new IllegalArgumentException(".npy 'shape' must be a tuple of integers, got " + dict.get("shape"));
        }
        BigInteger count = BigInteger.ONE;
        for (long d : shape) {
            count = count.multiply(BigInteger.valueOf(d));
        }
        long dataStart = headerStart + headerLength;
        long dataBytes = bytes.length - dataStart;
        if (count.compareTo(BigInteger.valueOf(Integer.MAX_VALUE / 4)) > 0 || count.longValue() * 4 != dataBytes) {
            throw new IllegalArgumentException(".npy shape " + shapeString(shape) + " needs " + count.multiply(
                    BigInteger.valueOf(4)) + " data bytes, the file has " + dataBytes);
        }
        float[] values = new float[count.intValue()];
        b.position((int) dataStart);
        b.asFloatBuffer().get(values);
        return new Array(shape, values);
    }

    /** A shape as NumPy prints it: {@code (80, 100)}, {@code (5,)}, {@code ()}. */
    public static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** The Python literal subset NumPy writes: a dict of string keys to strings, True/False and int tuples. */
    private static final class HeaderParser {
        private final String s;
        private int i;

        HeaderParser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            Map<String, Object> out = new LinkedHashMap<>();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    i++;
                    break;
                }
                String key = string();
                expect(':');
                if (out.put(key, value()) != null) {
                    throw error("the key '" + key + "' appears twice");
                }
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            skipSpace();
            if (i != s.length()) {
                throw error("unexpected text after the dict");
            }
            return out;
        }

        private Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, a tuple, True or False");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            boolean trailingComma = false;
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    i++;
                    break;
                }
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (start == i) {
                    throw error("expected a non-negative integer in the shape");
                }
                try {
                    dims.add(Long.parseLong(s.substring(start, i)));
                } catch (NumberFormatException e) {
                    throw error("a shape dimension is too large");
                }
                skipSpace();
                trailingComma = peek() == ',';
                if (trailingComma) {
                    i++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            if (dims.size() == 1 && !trailingComma) {
                throw error("a one-element shape is written (n,)");
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            skipSpace();
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted key");
            }
            int end = s.indexOf(quote, i + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(i + 1, end);
            i = end + 1;
            return out;
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            String near = s.substring(Math.max(0, i - 10), Math.min(s.length(), i + 10));
            return new IllegalArgumentException("malformed .npy header: " + what + " at character " + i + " (near '"
                    + near + "')");
        }
    }
}
