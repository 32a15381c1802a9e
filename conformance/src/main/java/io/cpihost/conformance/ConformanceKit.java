package io.cpihost.conformance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.cpihost.api.CpiRegistry;

/**
 * Runs the conformance checks against one extension, through a {@link CpiRegistry} only, so
 * that every provider kind (Java, process, native) is held to the same contract.
 *
 * <p>The checks: definitions well-formed and honest about read-only; read-only calls refused
 * for changing actions; idempotent reads; the stemcell, VM and full lifecycle (stemcell, VM,
 * disk, attach, get_disks, snapshot, metadata, detach, deletes); disk resizing and size bounds;
 * not-found behaviour for every id parameter; invalid parameters rejected; concurrent
 * independent calls. A check whose actions the extension lacks is skipped, not failed. Every
 * resource a check creates is deleted again, also when the check fails.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return changed copies.
 */
public final class ConformanceKit {

    /** How long one call may take unless {@link #withCallTimeout} says otherwise. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

    private final CpiRegistry registry;
    private final Duration callTimeout;
    private final int threads;
    private final int callsPerThread;
    private final long diskSizeMib;
    private final Map<String, Map<String, Object>> defaults;

    /**
     * A kit with default settings: 60 s per call, 8 threads of 5 create/delete rounds each,
     * disks of 64 MiB, no extra parameters.
     *
     * @param registry the registry the extension is reached through
     */
    public ConformanceKit(CpiRegistry registry) {
        this(Objects.requireNonNull(registry, "registry"), DEFAULT_CALL_TIMEOUT, 8, 5, 64, Map.of());
    }

    private ConformanceKit(CpiRegistry registry, Duration callTimeout, int threads,
            int callsPerThread, long diskSizeMib, Map<String, Map<String, Object>> defaults) {
        this.registry = registry;
        this.callTimeout = callTimeout;
        this.threads = threads;
        this.callsPerThread = callsPerThread;
        this.diskSizeMib = diskSizeMib;
        this.defaults = defaults;
    }

    /**
     * The same kit with another per-call deadline.
     *
     * @param timeout how long one call may take
     * @return the changed kit
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public ConformanceKit withCallTimeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("The call timeout must be positive, not " + timeout
                    + ".");
        }
        return new ConformanceKit(registry, timeout, threads, callsPerThread, diskSizeMib,
                defaults);
    }

    /**
     * The same kit with another load for the concurrency check.
     *
     * @param threadCount how many threads call at once
     * @param rounds how many create/delete rounds each thread makes
     * @return the changed kit
     * @throws IllegalArgumentException when a number is below 1 or above 64
     */
    public ConformanceKit withConcurrency(int threadCount, int rounds) {
        if (threadCount < 1 || threadCount > 64 || rounds < 1 || rounds > 64) {
            throw new IllegalArgumentException("The concurrency check needs 1 to 64 threads of 1 to"
                    + " 64 rounds, not " + threadCount + " threads of " + rounds + " rounds.");
        }
        return new ConformanceKit(registry, callTimeout, threadCount, rounds, diskSizeMib,
                defaults);
    }

    /**
     * The same kit creating disks of another size; resizing checks use twice this size.
     *
     * @param sizeMib the size in MiB
     * @return the changed kit
     * @throws IllegalArgumentException when the size is below 1
     */
    public ConformanceKit withDiskSizeMib(long sizeMib) {
        if (sizeMib < 1 || sizeMib > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("The disk size must be a positive number of MiB, not "
                    + sizeMib + ".");
        }
        return new ConformanceKit(registry, callTimeout, threads, callsPerThread, sizeMib,
                defaults);
    }

    /**
     * The same kit passing extra parameters to one action, for clouds that need them (such as
     * {@code cloud_properties} with an instance type for {@code create_vm}). The kit's own
     * values (ids, sizes, the image path) win over these.
     *
     * @param action the action name
     * @param parameters parameters by name, JSON-compatible
     * @return the changed kit
     */
    public ConformanceKit withParameters(String action, Map<String, Object> parameters) {
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>(defaults);
        changed.put(Objects.requireNonNull(action, "action"), Map.copyOf(parameters));
        return new ConformanceKit(registry, callTimeout, threads, callsPerThread, diskSizeMib,
                Map.copyOf(changed));
    }

    /**
     * Runs every check against one extension. Never throws for a problem of the extension: a
     * check that breaks is reported as failed.
     *
     * @param extension the extension name
     * @return the report
     */
    public Report run(String extension) {
        return new Suite(registry, extension, callTimeout, threads, callsPerThread, diskSizeMib,
                defaults).run();
    }
}
