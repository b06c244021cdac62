package dev.tessera.core.train;

/**
 * A training run that cannot start or go on, with a code a front end can map to its failure codes and
 * a message a person can act on.
 */
public final class TrainingException extends RuntimeException {

    /** Why the run failed. */
    public enum Code {
        /** Another run holds this JVM's one gradient collector (bus failure code "busy"). */
        BUSY("busy"),
        /** The loss or the gradient norm stopped being finite. */
        DIVERGED("diverged"),
        /** A checkpoint is missing, unreadable or does not fit the model or config. */
        BAD_CHECKPOINT("bad-checkpoint");

        private final String wireName;

        Code(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final Code code;

    public TrainingException(Code code, String message) {
        this(code, message, null);
    }

    public TrainingException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
