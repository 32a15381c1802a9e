package io.cpihost.api;

import java.util.Objects;

/**
 * The outcome of an action: either a value or an error, never both, plus the call's log.
 *
 * <p>A value is JSON-compatible: {@code null}, {@link Boolean}, {@link Number}, {@link String},
 * {@link java.util.List} or {@link java.util.Map} with String keys, nested freely.
 */
public final class ActionResult {

    private static final ActionResult NULL_VALUE = new ActionResult(null, null, "");

    private final Object value;
    private final CpiError error;
    private final String log;

    private ActionResult(Object value, CpiError error, String log) {
        this.value = value;
        this.error = error;
        this.log = log == null ? "" : log;
    }

    /**
     * A successful result.
     *
     * @param value the JSON-compatible value, possibly null
     * @return the result
     */
    public static ActionResult success(Object value) {
        return value == null ? NULL_VALUE : new ActionResult(value, null, "");
    }

    /**
     * A successful result with a log.
     *
     * @param value the JSON-compatible value, possibly null
     * @param log what the provider logged during the call
     * @return the result
     */
    public static ActionResult success(Object value, String log) {
        return new ActionResult(value, null, log);
    }

    /**
     * A failed result.
     *
     * @param error the error
     * @return the result
     */
    public static ActionResult failure(CpiError error) {
        return failure(error, "");
    }

    /**
     * A failed result with a log.
     *
     * @param error the error
     * @param log what the provider logged during the call
     * @return the result
     */
    public static ActionResult failure(CpiError error, String log) {
        return new ActionResult(null, Objects.requireNonNull(error, "error"), log);
    }

    /**
     * A failed result built from a type and message.
     *
     * @param type the error type
     * @param message a full sentence naming the offending thing
     * @return the result, not worth retrying
     */
    public static ActionResult failure(String type, String message) {
        return failure(CpiError.of(type, message));
    }

    /**
     * This result with another log; useful for adding a bridge's captured output.
     *
     * @param newLog the log
     * @return a result with the same value or error
     */
    public ActionResult withLog(String newLog) {
        return new ActionResult(value, error, newLog);
    }

    /**
     * Whether the action succeeded.
     *
     * @return true when there is no error
     */
    public boolean isSuccess() {
        return error == null;
    }

    /**
     * The value of a successful result.
     *
     * @return the value; null for a failed result or a null value
     */
    public Object value() {
        return value;
    }

    /**
     * The error of a failed result.
     *
     * @return the error, or null for a successful result
     */
    public CpiError error() {
        return error;
    }

    /**
     * What the provider logged during the call.
     *
     * @return the log, never null
     */
    public String log() {
        return log;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ActionResult)) {
            return false;
        }
        ActionResult that = (ActionResult) other;
        return Objects.equals(value, that.value) && Objects.equals(error, that.error)
                && log.equals(that.log);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, error, log);
    }

    @Override
    public String toString() {
        return error == null ? "success(" + value + ")" : "failure(" + error + ")";
    }
}
