package io.cpihost.api.bosh;

import io.cpihost.api.CpiError;

/**
 * A refusal or failure of a {@link BoshCloud} operation, carrying the CPI error the caller
 * receives; {@link BoshCpiAdapter} turns it into a failed {@link io.cpihost.api.ActionResult}.
 */
public final class BoshCloudException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CpiError error;

    /**
     * An error that is not worth retrying, such as an unknown resource.
     *
     * @param type the CPI error type, such as {@code Bosh::Clouds::VMNotFound}
     * @param message a full sentence naming the offending resource
     * @throws IllegalArgumentException when the type is blank
     */
    public BoshCloudException(String type, String message) {
        this(CpiError.of(type, message));
    }

    /**
     * An error caused by a failure underneath the cloud (a file that cannot be written ...).
     *
     * @param type the CPI error type
     * @param message a full sentence naming the offending resource
     * @param cause what failed
     * @throws IllegalArgumentException when the type is blank
     */
    public BoshCloudException(String type, String message, Throwable cause) {
        super(message, cause);
        this.error = CpiError.of(type, message);
    }

    /**
     * An error as given, for instance one that is worth retrying.
     *
     * @param error the error to report
     * @throws NullPointerException when the error is null
     */
    public BoshCloudException(CpiError error) {
        // No stack trace: an expected answer to a bad request, not a bug, and some callers
        // (a director polling has_vm, concurrency tests) produce many of them.
        super(error.message(), null, false, false);
        this.error = error;
    }

    /**
     * The error to report.
     *
     * @return the error
     */
    public CpiError error() {
        return error;
    }
}
