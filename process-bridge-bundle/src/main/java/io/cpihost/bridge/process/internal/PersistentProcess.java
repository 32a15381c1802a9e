package io.cpihost.bridge.process.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cpihost.api.CpiError;

/**
 * One long-lived CPI process speaking JSON lines: one request line on stdin, one response
 * line on stdout, one exchange at a time (see PROTOCOL.md).
 */
final class PersistentProcess {

    private static final System.Logger LOG = System.getLogger(PersistentProcess.class.getName());

    /** A line that was longer than the stdout limit. */
    private static final Object OVERFLOW = new Object();

    /** The end of stdout, with whatever partial line came before it. */
    private record Eof(byte[] partial) {
    }

    /**
     * The outcome of one exchange.
     *
     * @param reply what to interpret
     * @param usable whether the process may serve another call
     * @param crashed whether the process died by itself (which calls for a backoff)
     */
    record Exchange(Reply reply, boolean usable, boolean crashed) {
    }

    private final BridgeSettings settings;
    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final StderrCollector idle;
    private final CompletableFuture<Void> stderrDone;
    private volatile StderrCollector current;

    private PersistentProcess(BridgeSettings settings, Process process, ExecutorService io) {
        this.settings = settings;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.idle = new StderrCollector(settings.name(), "pid " + process.pid());
        this.current = idle;
        io.execute(() -> readLines(process.getInputStream()));
        this.stderrDone = CompletableFuture.runAsync(this::drainStderr, io);
    }

    /**
     * Starts a process.
     *
     * @throws IOException when it cannot be started
     */
    static PersistentProcess start(BridgeSettings settings, ExecutorService io) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(settings.command(List.of()));
        builder.environment().clear();
        builder.environment().putAll(settings.processEnvironment());
        if (settings.workingDirectory() != null) {
            builder.directory(settings.workingDirectory().toFile());
        }
        PersistentProcess started = new PersistentProcess(settings, builder.start(), io);
        LOG.log(System.Logger.Level.DEBUG, "Extension ''{0}'' started persistent process {1}.", settings.name(),
                started.pid());
        return started;
    }

    long pid() {
        return process.pid();
    }

    /** Whether the process may take a request: alive and with nothing unread on stdout. */
    boolean usable() {
        return process.isAlive() && lines.isEmpty();
    }

    /**
     * Sends a request and waits for its response line.
     *
     * @param method the method, for messages
     * @param request the request as compact JSON (no newline in it)
     * @param deadline when to give up; the process is terminated then
     * @param collector where stderr goes meanwhile
     */
    Exchange exchange(String method, byte[] request, Deadline deadline, StderrCollector collector) {
        current = collector;
        try {
            try {
                stdin.write(request);
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                return died(method, new byte[0], collector);
            }
            Object line;
            try {
                line = deadline.bounded() ? lines.poll(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)
                        : lines.take();
            } catch (InterruptedException e) {
                terminate();
                Thread.currentThread().interrupt();
                return new Exchange(Reply.failure(CpiError.of(CpiError.TIMEOUT, "The call of '" + method + "' on "
                        + source() + " was interrupted; the process and its descendants were terminated."),
                        collector.tail()), false, false);
            }
            if (line == null) {
                terminate();
                return new Exchange(Reply.failure(CpiError.of(CpiError.TIMEOUT, source() + " did not answer '"
                        + method + "' in time; the process and its descendants were terminated."), collector.tail()),
                        false, false);
            }
            if (line instanceof byte[]) {
                return new Exchange(Reply.output((byte[]) line, 0, collector.tail()), true, false);
            }
            if (line == OVERFLOW) {
                terminate();
                return new Exchange(Reply.failure(CpiError.of(CpiError.INVALID_RESPONSE, source()
                        + " wrote a line of more than " + settings.stdoutLimit() + " bytes answering '" + method
                        + "'; the process was terminated."), collector.tail()), false, false);
            }
            return died(method, ((Eof) line).partial(), collector);
        } finally {
            current = idle;
        }
    }

    private Exchange died(String method, byte[] partial, StderrCollector collector) {
        String exit = "";
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                exit = " with code " + process.exitValue();
            }
            stderrDone.get(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // stderr is still open (a child holds it); the tail so far will do.
        }
        terminate();
        String wrote = partial.length == 0 ? "" : " after writing '" + Json.quote(partial, 200) + "'";
        return new Exchange(Reply.failure(CpiError.of(CpiError.INVALID_RESPONSE, source() + " exited" + exit
                + " before answering '" + method + "'" + wrote + "; it will be restarted."), collector.tail()),
                false, true);
    }

    /** Closes stdin, the polite request to exit, without waiting. */
    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    /** SIGTERM to the process tree, the grace period, then SIGKILL; returns when all are gone. */
    void terminate() {
        ProcessTree.terminate(process.toHandle(), settings.killGrace());
        closeStdin();
    }

    private String source() {
        return "persistent process " + process.pid() + " of " + settings.source();
    }

    private void readLines(InputStream raw) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overflowed = false;
        try (InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    if (!overflowed && !isBlank(bytes)) {
                        lines.add(bytes);
                    }
                    overflowed = false;
                    line.reset();
                } else if (!overflowed) {
                    line.write(b);
                    if (line.size() > settings.stdoutLimit()) {
                        overflowed = true;
                        line.reset();
                        lines.add(OVERFLOW);
                    }
                }
            }
        } catch (IOException e) {
            // Closed when the process was terminated.
        }
        lines.add(new Eof(line.toByteArray()));
    }

    private void drainStderr() {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                current.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // Closed when the process was terminated.
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
