package dev.tessera.audio.wav;

import dev.tessera.audio.wav.AudioInputException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our own RIFF/WAVE parser (audio spec 1.1). It accepts integer PCM (16/24/32-bit), IEEE float
 * (32-bit) and WAVE_FORMAT_EXTENSIBLE whose sub-format is one of those, any channel count from 1 to 8
 * (averaged to mono), and rejects everything else with an {@link AudioInputException} whose message
 * says what to do.
 *
 * <p>Everything the header could lie about (chunk sizes, frame count, duration) is checked against the
 * bytes actually present and against {@link #maxSeconds()} before the sample array is allocated.
 */
public final class WavReader {

    public static final int MIN_SAMPLE_RATE = 8_000;
    public static final int MAX_SAMPLE_RATE = 192_000;
    public static final int MAX_CHANNELS = 8;
    /** Ten minutes: the longest request the vocoder API takes by default. */
    public static final double DEFAULT_MAX_SECONDS = 600.0;

    private static final Logger LOG = LoggerFactory.getLogger(WavReader.class);
    private static final int TAG_PCM = 1;
    private static final int TAG_MS_ADPCM = 2;
    private static final int TAG_FLOAT = 3;
    private static final int TAG_ALAW = 6;
    private static final int TAG_MULAW = 7;
    private static final int TAG_IMA_ADPCM = 0x11;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    /** Bytes 4..15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT; bytes 0..3 hold the format tag. */
    private static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
    };
    private static final long SIZE_UNKNOWN = 0xFFFFFFFFL;

    private final double maxSeconds;

    /** @param maxSeconds longest audio accepted, checked from the header before decoding */
    public WavReader(double maxSeconds) {
        if (!(maxSeconds > 0)) {
            throw new IllegalArgumentException("maxSeconds must be > 0, got " + maxSeconds);
        }
        this.maxSeconds = maxSeconds;
    }

    public WavReader() {
        this(DEFAULT_MAX_SECONDS);
    }

    public double maxSeconds() {
        return maxSeconds;
    }

    public WavAudio read(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    /** Reads a file through a read-only memory map, so nothing but the decoded samples lands on the heap. */
    public WavAudio read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new AudioInputException(Reason.TOO_LONG, "the file is " + ch.size() + " bytes; files over"
                        + " 2 GB are not read, trim the audio or split it into parts");
            }
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        }
    }

    /** Reads the bytes from the buffer's position to its limit; the buffer itself is not moved. */
    public WavAudio read(ByteBuffer source) {
        ByteBuffer b = source.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        if (length < 4) {
            throw new AudioInputException(Reason.NOT_WAV,
                    "not a WAV file: it is only " + length + " bytes long; expected a 'RIFF' header");
        }
        String riff = fourCc(b, 0);
        if (riff.equals("RF64") || riff.equals("BW64")) {
            throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, riff
                    + " (WAV over 4 GB) is not supported; convert it to a standard RIFF WAV under 4 GB");
        }
        if (!riff.equals("RIFF")) {
            throw new AudioInputException(Reason.NOT_WAV,
                    "not a WAV file: expected 'RIFF' at byte 0, found " + printable(b, 0));
        }
        if (length < 12) {
            throw new AudioInputException(Reason.TRUNCATED_HEADER,
                    "truncated WAV header: the file ends at byte " + length + ", inside the 12-byte RIFF header");
        }
        if (!fourCc(b, 8).equals("WAVE")) {
            throw new AudioInputException(Reason.NOT_WAV,
                    "not a WAV file: a RIFF file of type " + printable(b, 8) + ", expected 'WAVE'");
        }

        Format format = null;
        long dataOffset = -1;
        long dataBytes = 0;
        List<String> warnings = new ArrayList<>();
        long pos = 12;
        // The RIFF size field is often wrong in streamed files, so chunks are walked up to the real end.
        while (pos + 8 <= length) {
            String id = fourCc(b, (int) pos);
            long size = Integer.toUnsignedLong(b.getInt((int) pos + 4));
            long body = pos + 8;
            if (id.equals("fmt ")) {
                format = parseFormat(b, body, size, length);
            } else if (id.equals("data")) {
                dataOffset = body;
                long available = length - body;
                if (size == 0 || size == SIZE_UNKNOWN) {
                    dataBytes = available; // streamed writer: the data runs to the end of the file
                    break;
                }
                if (size > available) {
                    warnings.add("the data chunk declares " + size + " bytes but only " + available
                            + " are present; the file is truncated, decoding the whole frames that are there");
                    dataBytes = available;
                    break;
                }
                dataBytes = size;
                if (format != null) {
                    break;
                }
            }
            pos = body + size + (size & 1); // chunks are padded to an even size
        }
        if (format == null) {
            throw new AudioInputException(Reason.TRUNCATED_HEADER, dataOffset < 0
                    ? "truncated WAV header: no 'fmt ' chunk before the end of the file (" + length + " bytes)"
                    : "invalid WAV file: it has a 'data' chunk but no 'fmt ' chunk describing the samples");
        }
        if (dataOffset < 0) {
            throw new AudioInputException(Reason.TRUNCATED_HEADER,
                    "truncated WAV file: no 'data' chunk before the end of the file (" + length + " bytes)");
        }

        long frames = dataBytes / format.blockAlign;
        long partial = dataBytes % format.blockAlign;
        if (partial != 0 && warnings.isEmpty()) {
            warnings.add("the data chunk ends " + partial + " bytes into a frame; that partial frame is dropped");
        }
        if (frames == 0) {
            throw new AudioInputException(Reason.EMPTY,
                    "the WAV file holds no audio (0 frames); send at least one sample");
        }
        double seconds = frames / (double) format.sampleRate;
        if (seconds > maxSeconds) {
            throw new AudioInputException(Reason.TOO_LONG, String.format(Locale.ROOT,
                    "the audio lasts %.1f s, more than the %.1f s limit; trim it or split it into parts",
                    seconds, maxSeconds));
        }
        for (String w : warnings) {
            LOG.warn(w);
        }
        float[] mono = decode(b, (int) dataOffset, (int) frames, format);
        return new WavAudio(mono, format.sampleRate, format.channels, format.encoding, warnings);
    }

    private record Format(WavEncoding encoding, int channels, int sampleRate, int blockAlign) {
    }

    private static Format parseFormat(ByteBuffer b, long body, long size, int length) {
        if (size < 16 || body + 16 > length) {
            throw new AudioInputException(Reason.TRUNCATED_HEADER, "truncated WAV header: the 'fmt ' chunk has "
                    + Math.min(size, Math.max(0, length - body)) + " bytes, at least 16 are needed");
        }
        int p = (int) body;
        int tag = Short.toUnsignedInt(b.getShort(p));
        int channels = Short.toUnsignedInt(b.getShort(p + 2));
        long rate = Integer.toUnsignedLong(b.getInt(p + 4));
        int blockAlign = Short.toUnsignedInt(b.getShort(p + 12));
        int bits = Short.toUnsignedInt(b.getShort(p + 14));
        if (tag == TAG_EXTENSIBLE) {
            if (size < 40 || body + 40 > length) {
                throw new AudioInputException(Reason.TRUNCATED_HEADER, "truncated WAV header: an extensible"
                        + " 'fmt ' chunk needs 40 bytes, the file has " + Math.min(size, length - body));
            }
            tag = b.getInt(p + 24);
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (b.get(p + 28 + i) != GUID_TAIL[i]) {
                    throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, "the extensible WAV sub-format"
                            + " is not PCM or IEEE float; convert the file to 16-bit PCM");
                }
            }
        }
        WavEncoding encoding = switch (tag) {
            case TAG_PCM -> switch (bits) {
                case 16 -> WavEncoding.PCM_16;
                case 24 -> WavEncoding.PCM_24;
                case 32 -> WavEncoding.PCM_32;
                default -> throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, bits + "-bit PCM is not"
                        + " supported; convert the file to 16-, 24- or 32-bit PCM");
            };
            case TAG_FLOAT -> {
                if (bits != 32) {
                    throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, bits + "-bit float WAV is not"
                            + " supported; convert the file to 32-bit float or 16-bit PCM");
                }
                yield WavEncoding.FLOAT_32;
            }
            case TAG_ALAW -> throw unsupported("A-law");
            case TAG_MULAW -> throw unsupported("µ-law");
            case TAG_MS_ADPCM -> throw unsupported("Microsoft ADPCM");
            case TAG_IMA_ADPCM -> throw unsupported("IMA ADPCM");
            default -> throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, String.format(Locale.ROOT,
                    "WAV format tag 0x%04X is not supported; convert the file to 16-bit PCM", tag));
        };
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, "the WAV file declares " + channels
                    + " channels; 1 to " + MAX_CHANNELS + " are supported");
        }
        if (rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
            throw new AudioInputException(Reason.SAMPLE_RATE_OUT_OF_RANGE, "sample rate " + rate
                    + " Hz is outside 8000..192000 Hz; resample the file into that range");
        }
        int expectedAlign = channels * encoding.bytesPerSample();
        if (blockAlign != expectedAlign) {
            throw new AudioInputException(Reason.UNSUPPORTED_ENCODING, "the WAV header's block align is "
                    + blockAlign + " bytes but " + channels + " channels of " + bits + "-bit samples need "
                    + expectedAlign + "; the header is corrupt");
        }
        return new Format(encoding, channels, (int) rate, blockAlign);
    }

    private static AudioInputException unsupported(String name) {
        return new AudioInputException(Reason.UNSUPPORTED_ENCODING, name + " WAV files are not supported;"
                + " convert the file to 16-bit PCM (for example `sox in.wav -e signed -b 16 out.wav`)");
    }

    private static float[] decode(ByteBuffer b, int offset, int frames, Format f) {
        float[] out = new float[frames];
        int channels = f.channels;
        int bytes = f.encoding.bytesPerSample();
        int p = offset;
        for (int i = 0; i < frames; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += bytes) {
                double v = switch (f.encoding) {
                    case PCM_16 -> b.getShort(p) / 32768.0;
                    case PCM_24 -> (((b.get(p + 2) << 16) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p) & 0xFF)))
                            / 8388608.0; // the top byte's sign extends through the shift
                    case PCM_32 -> b.getInt(p) / 2147483648.0;
                    case FLOAT_32 -> {
                        float x = b.getFloat(p);
                        if (!Float.isFinite(x)) {
                            throw new AudioInputException(Reason.NON_FINITE_SAMPLE, "sample " + i + " of channel "
                                    + c + " is " + x + "; the file must hold finite samples");
                        }
                        yield x;
                    }
                };
                sum += v;
            }
            out[i] = (float) (sum / channels);
        }
        return out;
    }

    private static String fourCc(ByteBuffer b, int p) {
        byte[] id = new byte[4];
        for (int i = 0; i < 4; i++) {
            id[i] = b.get(p + i);
        }
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    private static String printable(ByteBuffer b, int p) {
        StringBuilder s = new StringBuilder();
        boolean text = true;
        for (int i = 0; i < 4 && p + i < b.limit(); i++) {
            int c = b.get(p + i) & 0xFF;
            text &= c >= 0x20 && c < 0x7F;
        }
        if (text) {
            return "'" + fourCc(b, p) + "'";
        }
        for (int i = 0; i < 4 && p + i < b.limit(); i++) {
            s.append(String.format(Locale.ROOT, "%02X ", b.get(p + i) & 0xFF));
        }
        return "bytes " + s.toString().trim();
    }
}
