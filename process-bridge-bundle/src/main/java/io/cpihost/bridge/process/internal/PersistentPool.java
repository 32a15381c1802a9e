package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;

/**
 * Persistent mode: a pool of long-lived processes, started as calls need them (never more than
 * the instance's concurrency, which the caller bounds). A process that crashed, broke the
 * protocol or timed out is retired; after a crash the next start waits for a backoff that
 * doubles with every consecutive crash.
 */
final class PersistentPool implements Transport {

    private static final System.Logger LOG = System.getLogger(PersistentPool.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final BridgeSettings settings;
    private final ExecutorService io;
    private final Object lock = new Object();
    private final Deque<PersistentProcess> idle = new ArrayDeque<>();
    private final Set<PersistentProcess> all = new HashSet<>();
    private int crashes;
    private long notBeforeNanos = System.nanoTime();
    private boolean closed;

    PersistentPool(BridgeSettings settings, ExecutorService io) {
        this.settings = settings;
        this.io = io;
    }

    @Override
    public ActionResult exchange(String method, byte[] request, Deadline deadline, String requestId,
            Function<Reply, ActionResult> interpreter) {
        PersistentProcess process;
        try {
            process = acquire(deadline);
        } catch (Refusal refusal) {
            return ActionResult.failure(refusal.error);
        }
        StderrCollector collector = new StderrCollector(settings.name(), requestId);
        PersistentProcess.Exchange exchange = process.exchange(method, request, deadline, collector);
        ActionResult result = interpreter.apply(exchange.reply());
        boolean brokeProtocol = !result.isSuccess() && CpiError.INVALID_RESPONSE.equals(result.error().type());
        release(process, exchange.usable() && !brokeProtocol, exchange.crashed() || brokeProtocol);
        return result;
    }

    private PersistentProcess acquire(Deadline deadline) throws Refusal {
        long waitNanos;
        int failures;
        synchronized (lock) {
            if (closed) {
                throw new Refusal(CpiError.of(CpiError.UNAVAILABLE, "Extension '" + settings.name()
                        + "' has been stopped."));
            }
            while (!idle.isEmpty()) {
                PersistentProcess process = idle.pop();
                if (process.usable()) {
                    return process;
                }
                // It died or spoke out of turn while idle.
                all.remove(process);
                io.execute(process::terminate);
                crashed();
            }
            waitNanos = notBeforeNanos - System.nanoTime();
            failures = crashes;
        }
        if (waitNanos > 0) {
            if (deadline.remainingNanos() < waitNanos) {
                throw new Refusal(new CpiError(CpiError.UNAVAILABLE, "The persistent process of "
                        + settings.source() + " is restarting after " + failures + " crash(es); try again in "
                        + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms.", true));
            }
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refusal(CpiError.of(CpiError.TIMEOUT, "The call on " + settings.source()
                        + " was interrupted while its persistent process was restarting."));
            }
        }
        PersistentProcess process;
        try {
            process = PersistentProcess.start(settings, io);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                crashed();
            }
            throw new Refusal(CpiError.of(CpiError.UNAVAILABLE, settings.source() + " could not be started: "
                    + e.getMessage() + "."));
        }
        synchronized (lock) {
            if (!closed) {
                all.add(process);
                return process;
            }
        }
        process.terminate();
        throw new Refusal(CpiError.of(CpiError.UNAVAILABLE, "Extension '" + settings.name() + "' has been stopped."));
    }

    private void release(PersistentProcess process, boolean usable, boolean crashed) {
        synchronized (lock) {
            if (usable && !closed) {
                crashes = 0;
                idle.push(process);
                return;
            }
            all.remove(process);
            if (crashed) {
                crashed();
            }
        }
        process.terminate();
    }

    /** Counts a crash and pushes the next start back. Holds the lock. */
    private void crashed() {
        crashes++;
        long backoff = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(crashes - 1, 20));
        notBeforeNanos = System.nanoTime() + backoff;
        LOG.log(System.Logger.Level.WARNING, "A persistent process of extension ''{0}'' failed ({1} in a row); the next"
                + " starts in {2} ms.", settings.name(), crashes, TimeUnit.NANOSECONDS.toMillis(backoff));
    }

    @Override
    public String trouble() {
        synchronized (lock) {
            return crashes == 0 ? "" : "The persistent process of " + settings.source() + " failed " + crashes
                    + " time(s) in a row; it is restarted with a backoff.";
        }
    }

    /** How many processes are running now (tests). */
    int size() {
        synchronized (lock) {
            return all.size();
        }
    }

    /** The pids of the running processes (tests). */
    List<Long> pids() {
        synchronized (lock) {
            List<Long> pids = new ArrayList<>();
            all.forEach(process -> pids.add(process.pid()));
            return pids;
        }
    }

    @Override
    public void close() {
        List<PersistentProcess> processes;
        synchronized (lock) {
            closed = true;
            processes = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        // EOF on stdin asks politely; SIGTERM (then SIGKILL) follows for all of them at once.
        processes.forEach(PersistentProcess::closeStdin);
        List<CompletableFuture<Void>> endings = new ArrayList<>();
        for (PersistentProcess process : processes) {
            endings.add(CompletableFuture.runAsync(process::terminate, io));
        }
        endings.forEach(CompletableFuture::join);
    }

    /** A call the pool cannot serve. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient CpiError error;

        Refusal(CpiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
