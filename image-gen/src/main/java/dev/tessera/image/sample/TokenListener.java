package dev.tessera.image.sample;

/** Called by {@link TokenSampler} after every token, on the sampling thread. */
@FunctionalInterface
public interface TokenListener {

    /** Reports progress (and may decode a preview); returns false to stop the run after this token. */
    boolean onToken(TokenProgress progress);

    TokenListener NONE = p -> true;
}
