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
 *   <li>Subwords over events (§6.3): {@link dev.tessera.tokenizers.music.EventCharacters} (base id
 *       <i>i</i> ↔ U+0021 + <i>i</i>), {@link dev.tessera.tokenizers.music.WordSplit} (per bar or per
 *       beat) and {@link dev.tessera.tokenizers.music.MusicSubwordTokenizer}: {@code trainBpe},
 *       {@code trainUnigram}, {@code encode(TokenSequence)} to subword ids, {@code decode(int[])} back to
 *       event ids, {@code decodeScore}, {@code write}/{@code read} as {@code tokenizer.json} plus
 *       {@code tokenizer.meta.json}.</li>
 *   <li>Metrics (§6.3): {@link dev.tessera.tokenizers.music.SequenceLength} (reduction, tokens per bar and
 *       per note), {@link dev.tessera.tokenizers.music.PitchClassEntropy} (bits) and
 *       {@link dev.tessera.tokenizers.music.StructureIndicator} (fitness scape plot of a piano-roll chroma
 *       self-similarity matrix).</li>
 * </ul>
 *
 * <pre>{@code
 * Score score = MidiFiles.read(Path.of("song.mid"));
 * MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaultsFor(score));
 * List<List<String>> words = remi.encode(score).words();   // feed to a trainer's word counts
 * MidiFiles.write(remi.decode(remi.encode(score).ids()), Path.of("quantized.mid"));
 *
 * MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(remi, corpus, WordSplit.BAR, 1000);
 * int[] subwords = bpe.encode(remi.encode(score));
 * SequenceLength length = SequenceLength.of(remi.encode(score), subwords);   // length.reduction()
 * Score back = bpe.decodeScore(subwords);
 * }</pre>
 */
package dev.tessera.tokenizers.music;
