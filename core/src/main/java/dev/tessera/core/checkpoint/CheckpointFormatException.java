package dev.tessera.core.checkpoint;

import java.io.IOException;

/** A checkpoint file is malformed or hostile; the message says what is wrong and where. */
public class CheckpointFormatException extends IOException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
