package io.cpihost.bridge.nativelib.internal;

import java.util.Optional;

/**
 * Whether JNA can be used here. Touches JNA only by name, so it loads (and answers) when the
 * optional {@code com.sun.jna} import is not wired or JNA has no native part for the platform.
 */
public final class JnaSupport {

    private static volatile Optional<String> unavailable;

    private JnaSupport() {
    }

    /**
     * Why JNA cannot be used, checked once: the class is missing, or its native dispatch
     * library does not load on this platform.
     *
     * @return a sentence starting "JNA is not available on this platform", or empty when
     *         JNA works
     */
    public static Optional<String> unavailableReason() {
        Optional<String> known = unavailable;
        if (known == null) {
            known = probe();
            unavailable = known;
        }
        return known;
    }

    private static Optional<String> probe() {
        try {
            // Initializing Native loads jnidispatch: failures surface here, not at first call.
            Class.forName("com.sun.jna.Native", true, JnaSupport.class.getClassLoader());
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null
                    ? e.getCause() : e;
            return Optional.of("JNA is not available on this platform (" + cause + ").");
        }
    }
}
