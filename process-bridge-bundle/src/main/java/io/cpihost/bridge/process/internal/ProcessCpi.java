package io.cpihost.bridge.process.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.bosh.BoshCpi;

/**
 * One BOSH CPI executable as a {@link CpiExtension}: maps named parameters to BOSH's
 * positional arguments, negotiates the API version through {@code info}, bounds concurrency
 * and time, and turns every problem of the process into a structured error.
 *
 * <p>Thread-safe. {@link #execute} never throws.
 */
final class ProcessCpi implements CpiExtension, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ProcessCpi.class.getName());
    /** How long the start-up info call may take when the instance has no timeout. */
    static final Duration INFO_TIMEOUT = Duration.ofSeconds(30);

    private final BridgeSettings settings;
    private final ExecutorService io;
    private final Transport transport;
    private final ConcurrencyLimit limit;
    private final CompletableFuture<Integer> apiVersion;
    private volatile boolean closed;

    /**
     * Starts an instance: creates its transport and asks the executable's info, in the
     * background, for the API version.
     *
     * @param settings validated settings
     */
    ProcessCpi(BridgeSettings settings) {
        this.settings = settings;
        this.io = Executors.newCachedThreadPool(threads(settings.name()));
        this.transport = settings.mode() == Mode.PERSISTENT ? new PersistentPool(settings, io)
                : new PerCallTransport(settings, io);
        this.limit = new ConcurrencyLimit(settings.maxConcurrency(), settings.maxQueued());
        this.apiVersion = CompletableFuture.supplyAsync(this::negotiate, io);
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String providerType() {
        return TYPE_PROCESS;
    }

    @Override
    public List<ActionDefinition> listActions() {
        return BoshCpi.all();
    }

    @Override
    public Health health() {
        if (closed) {
            return Health.STOPPED;
        }
        return transport.trouble().isEmpty() ? Health.OK : Health.DEGRADED;
    }

    @Override
    public String healthDetail() {
        return closed ? "Extension '" + settings.name() + "' has been stopped." : transport.trouble();
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        try {
            return call(action, params, context == null ? CallContext.empty() : context);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "Extension '" + settings.name() + "' failed running '" + action + "'.", t);
            return ActionResult.failure(CpiError.INTERNAL, "Extension '" + settings.name() + "' failed running '"
                    + action + "': " + t + ".");
        }
    }

    private ActionResult call(String action, Map<String, Object> params, CallContext context) {
        if (closed) {
            return ActionResult.failure(CpiError.UNAVAILABLE, "Extension '" + settings.name() + "' has been stopped.");
        }
        ActionDefinition definition = BoshCpi.action(action).orElse(null);
        if (definition == null) {
            return ActionResult.failure(CpiError.NOT_IMPLEMENTED, "Extension '" + settings.name()
                    + "' has no action '" + action + "'.");
        }
        Deadline deadline = Deadline.of(settings.timeout(), context);
        if (deadline.expired()) {
            return timeout("The call of '" + action + "' on " + settings.source()
                    + " was not started: its deadline had already passed.");
        }
        String requestId = context.requestId() != null ? context.requestId() : "cpihost-" + UUID.randomUUID();
        int version;
        try {
            version = awaitApiVersion(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timeout("The call of '" + action + "' on " + settings.source()
                    + " was interrupted while the API version was being negotiated.");
        } catch (TimeoutException e) {
            return timeout("The call of '" + action + "' on " + settings.source()
                    + " ran out of time while the API version was being negotiated.");
        }
        ConcurrencyLimit.Admission admission;
        try {
            admission = limit.acquire(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timeout("The call of '" + action + "' on " + settings.source()
                    + " was interrupted while waiting for a free process.");
        }
        if (admission == ConcurrencyLimit.Admission.QUEUE_FULL) {
            return ActionResult.failure(new CpiError(CpiError.UNAVAILABLE, "Extension '" + settings.name()
                    + "' is running " + settings.maxConcurrency() + " calls with " + settings.maxQueued()
                    + " more waiting; try again later.", true));
        }
        if (admission == ConcurrencyLimit.Admission.TIMED_OUT) {
            return timeout("The call of '" + action + "' on " + settings.source()
                    + " ran out of time waiting for a free process (maxConcurrency " + settings.maxConcurrency() + ").");
        }
        try {
            byte[] request = Protocol.request(action, Protocol.arguments(definition, params),
                    Protocol.context(context, requestId, settings.directorUuid(), settings.context()), version);
            LOG.log(System.Logger.Level.DEBUG, "{0} [{1}] calls {2} (API version {3}).", settings.name(), requestId,
                    action, version);
            return transport.exchange(action, request, deadline, requestId,
                    reply -> Protocol.interpret(reply, action, settings.source()));
        } finally {
            limit.release();
        }
    }

    private int awaitApiVersion(Deadline deadline) throws InterruptedException, TimeoutException {
        try {
            return deadline.bounded() ? apiVersion.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)
                    : apiVersion.get();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return 1;
        }
    }

    /**
     * Calls {@code info} without an API version and settles on the lower of what it reports
     * (1 when it reports nothing or fails) and the preferred version.
     */
    private int negotiate() {
        Duration limitTime = settings.timeout().isZero() ? INFO_TIMEOUT : settings.timeout();
        byte[] request = Protocol.request("info", List.of(),
                Protocol.context(CallContext.empty(), "cpihost-info-" + UUID.randomUUID(), settings.directorUuid(),
                        settings.context()), 0);
        ActionResult info = transport.exchange("info", request, Deadline.after(limitTime), "info",
                reply -> Protocol.interpret(reply, "info", settings.source()));
        int reported = 1;
        if (info.isSuccess() && info.value() instanceof Map
                && ((Map<?, ?>) info.value()).get("api_version") instanceof Number) {
            reported = Math.max(1, ((Number) ((Map<?, ?>) info.value()).get("api_version")).intValue());
        }
        int version = Math.min(reported, settings.preferredApiVersion());
        if (info.isSuccess()) {
            LOG.log(System.Logger.Level.INFO, "Extension ''{0}'' ({1}) speaks CPI API version {2}.", settings.name(),
                    settings.source(), version);
        } else if (!closed) {
            LOG.log(System.Logger.Level.WARNING, "Extension ''{0}'': info failed ({1}); speaking CPI API version {2}.",
                    settings.name(), info.error(), version);
        }
        return version;
    }

    /** The negotiated API version, waiting for it if needed (tests). */
    int apiVersion() throws InterruptedException, ExecutionException {
        return apiVersion.get();
    }

    /** The transport (tests). */
    Transport transport() {
        return transport;
    }

    private static ActionResult timeout(String message) {
        return ActionResult.failure(CpiError.TIMEOUT, message);
    }

    /**
     * Stops the instance: later calls fail, running processes are terminated (SIGTERM, grace,
     * SIGKILL) and the pipe threads end.
     */
    @Override
    public void close() {
        closed = true;
        apiVersion.cancel(false);
        transport.close();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            io.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "cpi-process-" + name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
