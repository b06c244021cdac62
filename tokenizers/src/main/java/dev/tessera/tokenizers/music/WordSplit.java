package dev.tessera.tokenizers.music;

/**
 * Where a {@link TokenSequence} is cut into the words subword models train on: learned tokens never
 * cross a word boundary. MidiTok's default is {@link #BAR} ({@code encode_ids_split="bar"}).
 */
public enum WordSplit {
    /** One word per bar that has events. */
    BAR,
    /** One word per beat that has events. */
    BEAT
}
