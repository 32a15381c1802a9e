package io.cpihost.bridge.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of an executable: start it without a shell, feed stdin, drain stdout (capped) and
 * stderr concurrently, wait within a deadline, and leave no process behind whatever happens.
 */
final class ProcessRun {

    /** How long stdout may stay open after the process exited (a child may hold it). */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(5);
    private static final Duration MIN_DRAIN = Duration.ofMillis(200);

    private ProcessRun() {
    }

    /**
     * What to run.
     *
     * @param command the executable and its arguments
     * @param environment the complete environment
     * @param directory the working directory, or null for the current one
     * @param stdin what to write to stdin before closing it
     * @param stdoutLimit the most stdout bytes accepted
     * @param killGrace how long the process tree gets between SIGTERM and SIGKILL
     */
    record Invocation(List<String> command, Map<String, String> environment, Path directory,
            byte[] stdin, long stdoutLimit, Duration killGrace) {
    }

    /** How a run ended. */
    enum Kind {
        /** The process exited by itself; stdout is complete. */
        EXITED,
        /** The deadline passed; the process tree was terminated. */
        TIMED_OUT,
        /** The calling thread was interrupted; the process tree was terminated. */
        INTERRUPTED,
        /** The process wrote more than the stdout limit; it was terminated. */
        STDOUT_OVERFLOW,
        /** The process could not be started. */
        START_FAILED,
        /** The process exited but its stdout stayed open (a child kept it). */
        STDOUT_NOT_CLOSED
    }

    /**
     * The outcome of a run.
     *
     * @param kind how it ended
     * @param exitCode the exit code when the process exited by itself, else -1
     * @param stdout what it wrote to stdout (complete only for {@link Kind#EXITED})
     * @param pid the process id, or -1 when it did not start
     * @param detail the start failure, or empty
     */
    record Outcome(Kind kind, int exitCode, byte[] stdout, long pid, String detail) {
    }

    /**
     * Runs an executable.
     *
     * @param invocation what to run
     * @param deadline when to give up
     * @param stderr where stderr goes
     * @param io the executor for the threads that feed and drain the pipes
     * @param live the set of running processes of the caller; the process is in it while it runs
     * @return the outcome; the process and everything it started are gone when this returns
     */
    static Outcome run(Invocation invocation, Deadline deadline, StderrCollector stderr, Executor io,
            Set<Process> live) {
        ProcessBuilder builder = new ProcessBuilder(invocation.command());
        builder.environment().clear();
        builder.environment().putAll(invocation.environment());
        if (invocation.directory() != null) {
            builder.directory(invocation.directory().toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return new Outcome(Kind.START_FAILED, -1, new byte[0], -1, String.valueOf(e.getMessage()));
        }
        live.add(process);
        long pid = process.pid();
        try {
            BoundedStdout stdout = new BoundedStdout(invocation.stdoutLimit(),
                    () -> ProcessTree.terminate(process.toHandle(), invocation.killGrace()));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(
                    () -> feed(process.getOutputStream(), invocation.stdin()), io);
            CompletableFuture<Void> reader = CompletableFuture.runAsync(
                    () -> stdout.drain(process.getInputStream()), io);
            CompletableFuture<Void> errors = CompletableFuture.runAsync(
                    () -> stderr.drain(process.getErrorStream()), io);
            boolean exited;
            try {
                if (deadline.bounded()) {
                    exited = process.waitFor(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
                } else {
                    process.waitFor();
                    exited = true;
                }
            } catch (InterruptedException e) {
                ProcessTree.terminate(process.toHandle(), invocation.killGrace());
                settle(reader, errors, writer);
                Thread.currentThread().interrupt();
                return new Outcome(Kind.INTERRUPTED, -1, stdout.bytes(), pid, "");
            }
            if (!exited) {
                ProcessTree.terminate(process.toHandle(), invocation.killGrace());
                settle(reader, errors, writer);
                return new Outcome(Kind.TIMED_OUT, -1, stdout.bytes(), pid, "");
            }
            // The pipe closes right after a normal exit; waiting longer only helps when a child
            // holds it, and then no more than the call's time left (but not nothing, or an exit
            // just before the deadline would lose its answer).
            long drainNanos = Math.max(MIN_DRAIN.toNanos(), deadline.waitNanos(DRAIN_AFTER_EXIT));
            boolean drained = await(reader, drainNanos);
            // stderr is usually closed by now; a child holding it must not hold the call.
            await(errors, TimeUnit.MILLISECONDS.toNanos(200));
            if (stdout.overflowed()) {
                return new Outcome(Kind.STDOUT_OVERFLOW, -1, new byte[0], pid, "");
            }
            if (!drained) {
                return new Outcome(Kind.STDOUT_NOT_CLOSED, process.exitValue(), stdout.bytes(), pid, "");
            }
            return new Outcome(Kind.EXITED, process.exitValue(), stdout.bytes(), pid, "");
        } finally {
            if (process.isAlive()) {
                ProcessTree.terminate(process.toHandle(), invocation.killGrace());
            }
            live.remove(process);
        }
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // The process exited or closed stdin without reading everything; its answer says why.
        }
    }

    private static void settle(CompletableFuture<?>... futures) {
        for (CompletableFuture<?> future : futures) {
            await(future, TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    private static boolean await(CompletableFuture<?> future, long nanos) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    future.get(nanos, TimeUnit.NANOSECONDS);
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return true;
                } catch (TimeoutException e) {
                    return false;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Collects stdout up to a limit; past it, calls the overflow action once and discards. */
    static final class BoundedStdout {
        private final long limit;
        private final Runnable onOverflow;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicBoolean overflowed = new AtomicBoolean();

        BoundedStdout(long limit, Runnable onOverflow) {
            this.limit = limit;
            this.onOverflow = onOverflow;
        }

        void drain(InputStream in) {
            byte[] buffer = new byte[64 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (overflowed.get()) {
                        continue;
                    }
                    synchronized (bytes) {
                        if (bytes.size() + (long) n > limit) {
                            overflowed.set(true);
                        } else {
                            bytes.write(buffer, 0, n);
                        }
                    }
                    if (overflowed.get()) {
                        onOverflow.run();
                    }
                }
            } catch (IOException e) {
                // Closed under us when the process was terminated.
            }
        }

        boolean overflowed() {
            return overflowed.get();
        }

        byte[] bytes() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }
    }
}
