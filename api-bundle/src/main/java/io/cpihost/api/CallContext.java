package io.cpihost.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What travels with a call besides its parameters: a request id for tracing, an optional
 * deadline, a read-only flag, and free attributes (such as {@code director_uuid}).
 *
 * <p>Immutable. Deadlines are kept on the {@link System#nanoTime()} clock so they are immune to
 * wall-clock changes.
 */
public final class CallContext {

    /** Attribute key BOSH directors use for their identity. */
    public static final String DIRECTOR_UUID = "director_uuid";

    private static final CallContext EMPTY = new Builder().build();

    private final String requestId;
    private final long deadlineNanos;
    private final boolean hasDeadline;
    private final boolean readOnly;
    private final Map<String, Object> attributes;

    private CallContext(Builder builder) {
        this.requestId = builder.requestId;
        this.deadlineNanos = builder.deadlineNanos;
        this.hasDeadline = builder.hasDeadline;
        this.readOnly = builder.readOnly;
        this.attributes = builder.attributes.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.attributes));
    }

    /**
     * A context with no request id, no deadline, not read-only and no attributes.
     *
     * @return the empty context
     */
    public static CallContext empty() {
        return EMPTY;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this context's values, to derive a changed copy.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.requestId = requestId;
        builder.deadlineNanos = deadlineNanos;
        builder.hasDeadline = hasDeadline;
        builder.readOnly = readOnly;
        builder.attributes.putAll(attributes);
        return builder;
    }

    /**
     * The request id, assigned by the caller or by the registry.
     *
     * @return the id, or null when none was assigned yet
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Whether the call has a deadline.
     *
     * @return true when it has one
     */
    public boolean hasDeadline() {
        return hasDeadline;
    }

    /**
     * The deadline on the {@link System#nanoTime()} clock.
     *
     * @return the deadline, meaningful only when {@link #hasDeadline()}
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * The time left until the deadline.
     *
     * @return the remaining time (zero or negative once passed), or empty without a deadline
     */
    public Optional<Duration> remaining() {
        return hasDeadline ? Optional.of(Duration.ofNanos(deadlineNanos - System.nanoTime()))
                : Optional.empty();
    }

    /**
     * Whether only read-only actions may run.
     *
     * @return true for a read-only call
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Free attributes, such as {@link #DIRECTOR_UUID}.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * One attribute.
     *
     * @param key the key
     * @return the value, or empty
     */
    public Optional<Object> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    @Override
    public String toString() {
        return "CallContext[requestId=" + requestId
                + (hasDeadline ? ", remaining=" + remaining().orElseThrow().toMillis() + "ms" : "")
                + (readOnly ? ", readOnly" : "") + (attributes.isEmpty() ? "" : ", " + attributes) + "]";
    }

    /** Builds a {@link CallContext}. */
    public static final class Builder {
        private String requestId;
        private long deadlineNanos;
        private boolean hasDeadline;
        private boolean readOnly;
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the request id.
         *
         * @param id the id, or null to let the registry assign one
         * @return this builder
         */
        public Builder requestId(String id) {
            this.requestId = id;
            return this;
        }

        /**
         * Sets a deadline relative to now.
         *
         * @param timeout the time the call may take; null or zero or negative removes the deadline
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                hasDeadline = false;
                deadlineNanos = 0;
            } else {
                hasDeadline = true;
                deadlineNanos = System.nanoTime() + timeout.toNanos();
            }
            return this;
        }

        /**
         * Sets an absolute deadline on the {@link System#nanoTime()} clock.
         *
         * @param nanoTime the deadline
         * @return this builder
         */
        public Builder deadlineNanos(long nanoTime) {
            this.hasDeadline = true;
            this.deadlineNanos = nanoTime;
            return this;
        }

        /**
         * Sets a wall-clock deadline.
         *
         * @param instant the deadline
         * @return this builder
         */
        public Builder deadline(Instant instant) {
            Objects.requireNonNull(instant, "instant");
            return timeout(Duration.between(Instant.now(), instant).isNegative()
                    ? Duration.ofNanos(1) : Duration.between(Instant.now(), instant));
        }

        /**
         * Sets the read-only flag.
         *
         * @param value true to allow only read-only actions
         * @return this builder
         */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /**
         * Sets an attribute.
         *
         * @param key the key
         * @param value the value; null removes the key
         * @return this builder
         */
        public Builder attribute(String key, Object value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                attributes.remove(key);
            } else {
                attributes.put(key, value);
            }
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public CallContext build() {
            return new CallContext(this);
        }
    }
}
