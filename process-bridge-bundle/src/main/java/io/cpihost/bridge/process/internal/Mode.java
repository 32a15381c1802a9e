package io.cpihost.bridge.process.internal;

import java.util.Locale;

/** How the bridge talks to an executable. */
enum Mode {
    /** One process per call, as the BOSH director runs CPIs. */
    PER_CALL("per-call"),
    /** Long-lived processes speaking JSON lines (see PROTOCOL.md). */
    PERSISTENT("persistent");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    /** The configuration value: "per-call" or "persistent". */
    String text() {
        return text;
    }

    /**
     * Parses a configuration value.
     *
     * @throws IllegalArgumentException naming the value when it is neither mode
     */
    static Mode parse(String value) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.text.equals(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode '" + value + "' is neither 'per-call' nor 'persistent'.");
    }
}
