package dev.tessera.image.sample;

/**
 * An image-token model driven one sub-token at a time for R rows (the images of a batch, then the
 * null-class rows of the guided ones). A token is one sub-token for the flat head and two (pre, then
 * post) for the factorized head. The caller alternates {@link #nextLogits()} and {@link #append}, one pair
 * per sub-token, in raster order.
 */
interface TokenStepper {

    /** Values of each sub-token of a token: {@code {2^K}} (flat) or {@code {2^pre, 2^post}} (factorized). */
    int[] subTokenSizes();

    /**
     * Logits of the next sub-token given the class, every earlier token and the earlier sub-tokens of this
     * token: {@code R x size}, row-major, on the host.
     */
    float[] nextLogits();

    /** The values drawn for the sub-token whose logits came last, one per row, each in {@code [0, size)}. */
    void append(long[] values);

    /** The token index made of one value per sub-token. */
    long token(long[] subTokens);
}
