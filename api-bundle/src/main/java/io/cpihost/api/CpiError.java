package io.cpihost.api;

/**
 * A structured error, as BOSH CPIs report them.
 *
 * <p>The standard types below are the ones CPI Host itself produces; provider-specific types,
 * such as {@code Bosh::Clouds::VMNotFound}, pass through unchanged.
 *
 * @param type the error type, such as {@link #NOT_FOUND} or {@code Bosh::Clouds::VMNotFound}
 * @param message a full sentence naming the offending thing
 * @param okToRetry whether the same call may succeed if repeated
 */
public record CpiError(String type, String message, boolean okToRetry) {

    /** The extension has no such action, or the provider does not implement it. */
    public static final String NOT_IMPLEMENTED = "NotImplemented";
    /** The call itself is malformed (no action, no parameters map ...). */
    public static final String INVALID_CALL = "InvalidCall";
    /** A parameter is missing, unknown or of the wrong type. */
    public static final String INVALID_PARAMETER = "InvalidParameter";
    /** No extension of that name, or a resource id the provider does not know. */
    public static final String NOT_FOUND = "NotFound";
    /** A changing action was called under a read-only context. */
    public static final String READ_ONLY = "ReadOnly";
    /** The call's deadline passed. */
    public static final String TIMEOUT = "Timeout";
    /** The extension is there but cannot serve now (stopped, being replaced, overloaded). */
    public static final String UNAVAILABLE = "Unavailable";
    /** The cloud refused or failed the operation. */
    public static final String CLOUD_ERROR = "CloudError";
    /** The operation is valid but not supported (such as shrinking a disk). */
    public static final String NOT_SUPPORTED = "NotSupported";
    /** The provider answered something that breaks the protocol. */
    public static final String INVALID_RESPONSE = "InvalidResponse";
    /** Something broke inside CPI Host or the provider (an exception, a null result). */
    public static final String INTERNAL = "Internal";

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when the type is blank
     */
    public CpiError {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("A CPI error needs a non-blank type.");
        }
        message = message == null ? "" : message;
    }

    /**
     * An error that is not worth retrying.
     *
     * @param type the type
     * @param message the message
     * @return the error
     */
    public static CpiError of(String type, String message) {
        return new CpiError(type, message, false);
    }

    @Override
    public String toString() {
        return type + ": " + message + (okToRetry ? " (ok to retry)" : "");
    }
}
