package io.cpihost.bridge.process.internal;

import java.time.Duration;

import io.cpihost.api.CallContext;

/**
 * When a call must be over, on the {@link System#nanoTime()} clock: the earlier of the
 * instance's own timeout and the caller's deadline, or none.
 */
final class Deadline {

    private static final Deadline NONE = new Deadline(false, 0);

    private final boolean bounded;
    private final long nanos;

    private Deadline(boolean bounded, long nanos) {
        this.bounded = bounded;
        this.nanos = nanos;
    }

    /** No deadline. */
    static Deadline none() {
        return NONE;
    }

    /**
     * A deadline some time from now.
     *
     * @param timeout the time allowed; zero or negative means none
     */
    static Deadline after(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return NONE;
        }
        return new Deadline(true, System.nanoTime() + timeout.toNanos());
    }

    /**
     * The earlier of an instance's timeout (from now) and the caller's deadline.
     *
     * @param timeout the instance's timeout; zero means none
     * @param context the call context, possibly carrying a deadline
     */
    static Deadline of(Duration timeout, CallContext context) {
        Deadline own = after(timeout);
        if (context != null && context.hasDeadline()) {
            return own.min(new Deadline(true, context.deadlineNanos()));
        }
        return own;
    }

    /** The earlier of two deadlines. */
    Deadline min(Deadline other) {
        if (!other.bounded) {
            return this;
        }
        if (!bounded) {
            return other;
        }
        return nanos - other.nanos <= 0 ? this : other;
    }

    boolean bounded() {
        return bounded;
    }

    /** Nanoseconds left (zero or negative once passed); {@link Long#MAX_VALUE} when unbounded. */
    long remainingNanos() {
        return bounded ? nanos - System.nanoTime() : Long.MAX_VALUE;
    }

    boolean expired() {
        return bounded && remainingNanos() <= 0;
    }

    /** Nanoseconds to wait for something: the time left, but no more than a cap. */
    long waitNanos(Duration cap) {
        return Math.max(0, Math.min(remainingNanos(), cap.toNanos()));
    }
}
