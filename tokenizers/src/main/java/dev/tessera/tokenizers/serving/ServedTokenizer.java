package dev.tessera.tokenizers.serving;

import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.json.TokenizerMeta;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.MidiFormatException;
import dev.tessera.tokenizers.music.MusicSubwordTokenizer;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained tokenizer as a file defines it, ready to encode bytes and decode ids: text or code (a
 * {@link SubwordTokenizer}, input and output are bytes) or music (a {@link MusicSubwordTokenizer}, input and
 * output are MIDI files). What {@code tessera tokenizer encode|decode} and the tokenizer verticle serve.
 */
public sealed interface ServedTokenizer {

    /** {@code text} or {@code music}. */
    String kind();

    int vocabSize();

    /** The ids of {@code input}: UTF-8 text (any bytes for a byte-level tokenizer), or a MIDI file for music. */
    int[] encode(byte[] input);

    /** The bytes {@code ids} stand for: text exactly as encoded (byte-level), or a MIDI file for music. */
    byte[] decode(int[] ids);

    /** Writes {@code tokenizer.json} and its side file beside it. */
    void write(Path tokenizerJson) throws IOException;

    /**
     * Reads a {@code tokenizer.json}; its side file ({@link TokenizerMeta#pathFor}), when present, restores
     * what the file cannot say: a code pre-tokenizer, or the event configuration of a music tokenizer.
     */
    static ServedTokenizer read(Path tokenizerJson) throws IOException {
        Path metaPath = TokenizerMeta.pathFor(tokenizerJson);
        TokenizerMeta meta = Files.isRegularFile(metaPath) ? TokenizerMeta.read(metaPath) : null;
        if (meta != null && MusicSubwordTokenizer.PRE_TOKENIZER.equals(meta.preTokenizer())) {
            return new Music(MusicSubwordTokenizer.read(tokenizerJson), meta.corpusSha256());
        }
        if (meta != null && meta.preTokenizer().startsWith("code-")) {
            CodePreTokenizer pre = new CodePreTokenizer(CodePreTokenizer.Variant.of(meta.preTokenizer()));
            return new Text(TokenizerJson.read(tokenizerJson, pre), meta);
        }
        return new Text(TokenizerJson.read(tokenizerJson), meta);
    }

    /** A text or code tokenizer; {@code meta} is null when the file had no side file. */
    record Text(SubwordTokenizer tokenizer, TokenizerMeta meta) implements ServedTokenizer {

        @Override
        public String kind() {
            return "text";
        }

        @Override
        public int vocabSize() {
            return tokenizer.vocabSize();
        }

        @Override
        public int[] encode(byte[] input) {
            if (tokenizer.codec() == WordCodec.BYTE_LEVEL) {
                return tokenizer.encodeBytes(input);
            }
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(input)).toString();
                return tokenizer.encode(text);
            } catch (CharacterCodingException e) {
                throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "the input is not valid UTF-8, "
                        + "which only a byte-level tokenizer accepts; this one is " + tokenizer.codec());
            }
        }

        @Override
        public byte[] decode(int[] ids) {
            return tokenizer.decodeBytes(ids);
        }

        @Override
        public void write(Path tokenizerJson) throws IOException {
            TokenizerJson.write(tokenizer, tokenizerJson);
            if (meta != null) {
                meta.write(TokenizerMeta.pathFor(tokenizerJson));
            }
        }
    }

    /** A music tokenizer: MIDI files in, MIDI files out; {@code corpusSha256} goes to its side file. */
    record Music(MusicSubwordTokenizer tokenizer, String corpusSha256) implements ServedTokenizer {

        @Override
        public String kind() {
            return "music";
        }

        @Override
        public int vocabSize() {
            return tokenizer.vocabSize();
        }

        @Override
        public int[] encode(byte[] midi) {
            try {
                return tokenizer.encode(MidiFiles.read(midi));
            } catch (MidiFormatException e) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "the input is not a MIDI file this tokenizer reads: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] decode(int[] ids) {
            return MidiFiles.toBytes(tokenizer.decodeScore(ids));
        }

        @Override
        public void write(Path tokenizerJson) throws IOException {
            tokenizer.write(tokenizerJson, corpusSha256);
        }
    }
}
