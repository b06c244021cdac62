package dev.tessera.web.server;

/** Thrown (or passed to {@code RoutingContext.fail}) to answer with a given {@link ApiError}. */
public final class ApiException extends RuntimeException {

    private final ApiError error;

    public ApiException(ApiError error) {
        super(error.code() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
