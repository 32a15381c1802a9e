package io.cpihost.provider.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting, recognising and ending the OS processes that are the local cloud's VMs.
 *
 * <p>A VM's process is identified by its pid together with its start time and executable, as
 * recorded when it started: a pid alone may have been reused by an unrelated process after the
 * VM's process died.
 */
final class VmProcess {

    /** How far a start time read again may differ from the recorded one. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);
    /** How long a process may take to die after SIGKILL before we give up. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final File DEV_NULL = new File("/dev/null");

    private VmProcess() {
    }

    /** What identifies a started process. */
    record Identity(long pid, String command, Instant start) {
    }

    /**
     * Starts a VM's process: no shell, the VM's directory as working directory, output
     * appended to {@code console.log} there, input from {@code /dev/null}.
     *
     * @throws IOException when the process cannot be started
     */
    static Process start(List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                // A file, not a pipe: the process must outlive the platform (restart, kill -9)
                // without dying of SIGPIPE on a pipe nobody reads.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve("console.log").toFile()));
        if (DEV_NULL.exists()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The identity of a live process, as far as the platform reveals it. */
    static Identity identify(ProcessHandle handle) {
        ProcessHandle.Info info = handle.info();
        return new Identity(handle.pid(), info.command().orElse(null),
                info.startInstant().orElse(null));
    }

    /**
     * The live process with a recorded identity, if it is still that process.
     *
     * @return the handle, or empty when no such process runs (the pid is free, or reused)
     */
    static Optional<ProcessHandle> find(Identity recorded) {
        Optional<ProcessHandle> found = ProcessHandle.of(recorded.pid());
        if (found.isEmpty() || !found.get().isAlive()) {
            return Optional.empty();
        }
        Identity now = identify(found.get());
        if (recorded.start() != null && (now.start() == null
                || Duration.between(recorded.start(), now.start()).abs()
                        .compareTo(START_TOLERANCE) > 0)) {
            return Optional.empty();
        }
        if (recorded.command() != null && now.command() != null
                && !recorded.command().equals(now.command())) {
            return Optional.empty();
        }
        return found;
    }

    /**
     * Ends a process and all its descendants: descendants first, SIGTERM to each, and SIGKILL
     * to whatever still lives after the grace period.
     *
     * @throws IllegalStateException when a process survives SIGKILL
     */
    static void stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        for (ProcessHandle handle : all) {
            handle.destroy();
        }
        if (awaitExit(all, grace)) {
            return;
        }
        for (ProcessHandle handle : all) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        if (!awaitExit(all, KILL_WAIT)) {
            List<Long> alive = all.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                    .toList();
            throw new IllegalStateException("Processes " + alive + " survived SIGKILL for "
                    + KILL_WAIT.toSeconds() + " s.");
        }
    }

    private static boolean awaitExit(List<ProcessHandle> handles, Duration wait) {
        CompletableFuture<?>[] exits = handles.stream().map(ProcessHandle::onExit)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return handles.stream().noneMatch(ProcessHandle::isAlive);
        } catch (ExecutionException e) {
            return handles.stream().noneMatch(ProcessHandle::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return handles.stream().noneMatch(ProcessHandle::isAlive);
        }
    }
}
