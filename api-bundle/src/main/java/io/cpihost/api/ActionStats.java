package io.cpihost.api;

/**
 * Call statistics of one action of one extension, since the registry started.
 *
 * @param extension the extension name
 * @param action the action name
 * @param calls the number of calls that reached the pipeline for this action
 * @param errors how many of them ended in an error (of any type, timeouts included)
 * @param timeouts how many of them ended in a {@link CpiError#TIMEOUT}
 * @param totalNanos the summed duration of all calls
 * @param maxNanos the longest call
 */
public record ActionStats(String extension, String action, long calls, long errors, long timeouts,
        long totalNanos, long maxNanos) {

    /**
     * The mean duration of a call.
     *
     * @return nanoseconds per call, or 0 without calls
     */
    public long meanNanos() {
        return calls == 0 ? 0 : totalNanos / calls;
    }
}
