package io.cpihost.registry.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.cpihost.api.CpiExtension;

/**
 * The registry core as the benchmarks use it, without OSGi. Lives in the registry's package
 * (a split package, harmless on a flat class path) because {@link ServiceIdentity} is
 * package-private; nothing of the registry is changed.
 */
public final class RegistryAccess {

    /** The defaults of the registry component's configuration. */
    private static final long HANDOVER_MILLIS = 5_000;
    private static final long DRAIN_MILLIS = 30_000;

    /** Held so the level survives: JUL keeps loggers only weakly. */
    private static final Logger QUIET = Logger.getLogger("io.cpihost");

    static {
        // Registering 1,000 extensions would otherwise log 1,000 INFO lines into the measurement.
        QUIET.setLevel(Level.WARNING);
    }

    private RegistryAccess() {
    }

    /**
     * A registry with the component's default timeouts and a deadline pool of daemon threads.
     *
     * @return a new registry, empty
     */
    public static RegistryCore newRegistry() {
        ExecutorService deadlines = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-deadline");
            thread.setDaemon(true);
            return thread;
        });
        return new RegistryCore(HANDOVER_MILLIS, DRAIN_MILLIS, deadlines);
    }

    /**
     * Publishes an extension as if a bundle had registered it as a service.
     *
     * @param registry the registry
     * @param serviceId the service id (also used as bundle id); unique per extension
     * @param extension the extension
     */
    public static void add(RegistryCore registry, long serviceId, CpiExtension extension) {
        registry.add(new ServiceIdentity(serviceId, 0, serviceId, "io.cpihost.bench.b" + serviceId, "1.0.0"),
                extension);
    }
}
