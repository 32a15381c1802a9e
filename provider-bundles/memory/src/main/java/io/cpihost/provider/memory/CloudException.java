package io.cpihost.provider.memory;

import io.cpihost.api.CpiError;

/**
 * A refused operation of the memory cloud, carrying the CPI error the caller receives.
 *
 * <p>Used only inside this bundle: {@link MemoryCpiExtension#execute} turns it into a failed
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
        // No stack trace: this is an expected answer to a bad request, not a bug, and some
        // callers (the concurrency tests, a director polling has_vm) produce many of them.
        super(message, null, false, false);
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
