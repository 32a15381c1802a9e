package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The instances of self-describing executables, one per file, keyed by the file's canonical
 * path: installing a known path replaces its instance, so repeated installs (FileInstall
 * reports every file again after a restart) never publish an executable twice.
 *
 * <p>Knows nothing of FileInstall; {@link ExecutableInstaller} feeds it. Thread-safe: installs
 * and uninstalls run one at a time (FileInstall calls them from one thread anyway).
 */
final class ExecutableInstances implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExecutableInstances.class.getName());

    private record Entry(String id, ProcessCpi cpi, Publisher.Publication publication) {
    }

    private final Publisher publisher;
    private final Duration probeTimeout;
    private final int verbosity;
    private final ExecutorService io = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "cpi-process-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Path, Entry> entries = new HashMap<>();
    private final Map<Path, String> skipped = new HashMap<>();

    /**
     * @param publisher publishes the instances
     * @param probeTimeout how long get-capabilities may take
     * @param verbosity the value of {@code --v} passed to the instances, or 0
     */
    ExecutableInstances(Publisher publisher, Duration probeTimeout, int verbosity) {
        this.publisher = publisher;
        this.probeTimeout = probeTimeout;
        this.verbosity = verbosity;
    }

    /**
     * Probes a file and publishes it when it is a CPI, replacing any instance of the same path.
     * An executable that is not a CPI is logged once (per reason) and skipped.
     *
     * @param file the executable
     * @return the published extension name, or null when skipped
     */
    synchronized String install(Path file) {
        Path key = canonical(file);
        CapabilityProbe.Capabilities capabilities;
        try {
            capabilities = CapabilityProbe.probe(key, probeTimeout, io);
        } catch (CapabilityProbe.Rejected rejected) {
            synchronized (this) {
                if (!Objects.equals(skipped.put(key, rejected.getMessage()), rejected.getMessage())) {
                    LOG.log(System.Logger.Level.INFO, "Skipping {0}: {1}", key, rejected.getMessage());
                }
                withdraw(entries.remove(key));
            }
            return null;
        }
        ProcessCpi cpi = new ProcessCpi(BridgeSettings.defaults(capabilities.id(), key, verbosity));
        Publisher.Publication publication = publisher.publish(cpi, Publisher.properties(capabilities.id(), key.toString()));
        Entry previous;
        synchronized (this) {
            skipped.remove(key);
            previous = entries.put(key, new Entry(capabilities.id(), cpi, publication));
        }
        withdraw(previous);
        LOG.log(System.Logger.Level.INFO, "{0} extension ''{1}'' ({2}) from {3}.", previous == null ? "Added" : "Updated",
                capabilities.id(), capabilities.name(), key);
        return capabilities.id();
    }

    /**
     * Withdraws the instance of a file, if there is one.
     *
     * @param file the deleted executable
     */
    synchronized void uninstall(Path file) {
        Path key = canonical(file);
        Entry entry;
        synchronized (this) {
            skipped.remove(key);
            entry = entries.remove(key);
        }
        if (entry != null) {
            withdraw(entry);
            LOG.log(System.Logger.Level.INFO, "Removed extension ''{0}'' of {1}.", entry.id(), key);
        }
    }

    /** The published extension names by path (tests). */
    synchronized Map<Path, String> published() {
        Map<Path, String> published = new HashMap<>();
        entries.forEach((path, entry) -> published.put(path, entry.id()));
        return published;
    }

    /** Withdraws every instance. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(entries.values());
            entries.clear();
        }
        all.forEach(ExecutableInstances::withdraw);
        io.shutdownNow();
    }

    private static void withdraw(Entry entry) {
        if (entry != null) {
            entry.publication().withdraw();
            entry.cpi().close();
        }
    }

    /**
     * The file's path with its folder resolved; the file itself may be gone (an uninstall), and
     * a symbolic link keeps its own name, so install and uninstall find the same key.
     */
    static Path canonical(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            return absolute;
        }
        try {
            return parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            return absolute;
        }
    }
}
