package dev.tessera.tokenizers;

/** A tokenizer was given bad input or a bad file; {@link #code()} says which, the message says what to fix. */
public class TokenizerException extends RuntimeException {

    /** What went wrong, for callers that map failures to replies (the verticle answers "bad input"). */
    public enum Code {
        /** A configuration or argument is out of range. */
        BAD_CONFIG,
        /** A tokenizer file cannot be read as one we support. */
        BAD_FILE,
        /** An id or token is not in the vocabulary. */
        UNKNOWN_ID
    }

    private final Code code;

    public TokenizerException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public TokenizerException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
