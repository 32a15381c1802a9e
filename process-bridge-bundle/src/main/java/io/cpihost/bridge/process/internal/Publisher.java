package io.cpihost.bridge.process.internal;

import java.util.Map;

import io.cpihost.api.CpiExtension;

/** Publishes extensions as services; tests use a list instead of a framework. */
@FunctionalInterface
interface Publisher {

    /**
     * Publishes an extension.
     *
     * @param extension the extension
     * @param properties the service properties
     * @return how to withdraw it
     */
    Publication publish(CpiExtension extension, Map<String, Object> properties);

    /** A published extension. */
    @FunctionalInterface
    interface Publication {
        /** Withdraws the service; returns once the framework has unregistered it. */
        void withdraw();
    }

    /**
     * The service properties of an instance.
     *
     * @param name the extension name
     * @param executable the executable path
     */
    static Map<String, Object> properties(String name, String executable) {
        return Map.of(CpiExtension.NAME_PROPERTY, name, "cpi.provider.type", CpiExtension.TYPE_PROCESS,
                "cpi.process.executable", executable, CpiExtension.SOURCE_PROPERTY, executable);
    }
}
