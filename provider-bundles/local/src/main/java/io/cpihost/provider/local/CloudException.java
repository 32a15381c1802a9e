package io.cpihost.provider.local;

import io.cpihost.api.CpiError;

/**
 * A refused operation of the local cloud, carrying the CPI error the caller receives.
 *
 * <p>Used only inside this bundle: {@link LocalCpiExtension#execute} turns it into a failed
 * {@link io.cpihost.api.ActionResult}, so it never reaches the registry.
 */
final class CloudException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CpiError error;

    /**
     * An error that is not worth retrying.
     *
     * @param type the CPI error type, such as {@code Bosh::Clouds::VMNotFound}
     * @param message a full sentence naming the offending resource
     */
    CloudException(String type, String message) {
        // No stack trace: an expected answer to a bad request, not a bug.
        super(message, null, false, false);
        this.error = CpiError.of(type, message);
    }

    /**
     * An error caused by a failure of the host (a file that cannot be written ...).
     *
     * @param type the CPI error type
     * @param message a full sentence naming the offending resource
     * @param cause what failed
     */
    CloudException(String type, String message, Throwable cause) {
        super(message, cause);
        this.error = CpiError.of(type, message);
    }

    /**
     * The error to report.
     *
     * @return the error
     */
    CpiError error() {
        return error;
    }
}
