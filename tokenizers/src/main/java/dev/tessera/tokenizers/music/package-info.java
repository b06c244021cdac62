/**
 * Symbolic music (spec §6): MIDI files to a plain score model, and scores to REMI or TSD events and back.
 *
 * <h2>API</h2>
 * <ul>
 *   <li>{@link dev.tessera.tokenizers.music.Score}, {@link dev.tessera.tokenizers.music.Track},
 *       {@link dev.tessera.tokenizers.music.Note}, {@link dev.tessera.tokenizers.music.TempoChange},
 *       {@link dev.tessera.tokenizers.music.TimeSignature}: immutable records, times in ticks.</li>
 *   <li>{@link dev.tessera.tokenizers.music.MidiFiles}: {@code read(Path)}, {@code read(byte[])},
 *       {@code write(Score, Path)}, {@code toBytes(Score)}; formats 0 and 1, ticks-per-quarter timing.
 *       Damaged input throws {@link dev.tessera.tokenizers.music.MidiFormatException} with a
 *       {@link dev.tessera.tokenizers.music.MidiFormatException.Code} and a message naming the track and
 *       byte.</li>
 *   <li>{@link dev.tessera.tokenizers.music.MusicTokenizer#remi} and
 *       {@link dev.tessera.tokenizers.music.MusicTokenizer#tsd}, configured by
 *       {@link dev.tessera.tokenizers.music.MusicTokenizerConfig} (MidiTok's defaults):
 *       {@code encode(Score)} gives a {@link dev.tessera.tokenizers.music.TokenSequence};
 *       {@code decode(List<String>)} or {@code decode(int[])} gives a {@code Score} back.</li>
 *   <li>{@link dev.tessera.tokenizers.music.TokenSequence#words()}: the events split per bar, one
 *       {@code List<String>} of base-event spellings per bar, the words subword trainers (BPE, Unigram)
 *       count; {@link dev.tessera.tokenizers.music.TokenSequence#wordIds()} gives the same as ids.</li>
 *   <li>{@link dev.tessera.tokenizers.music.MusicVocabulary}: id ↔ event spelling ({@code Pitch_60},
 *       {@code Bar_None}, {@code Duration_1.0.8}); specials {@code PAD_None BOS_None EOS_None MASK_None}
 *       are ids 0–3.</li>
 * </ul>
 *
 * <pre>{@code
 * Score score = MidiFiles.read(Path.of("song.mid"));
 * MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaultsFor(score));
 * List<List<String>> words = remi.encode(score).words();   // feed to a trainer's word counts
 * MidiFiles.write(remi.decode(remi.encode(score).ids()), Path.of("quantized.mid"));
 * }</pre>
 */
package dev.tessera.tokenizers.music;
