package io.cpihost.registry.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.ActionStats;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.api.ParameterDefinition;

/**
 * The registry without OSGi: the set of known extension services, kept as an immutable
 * snapshot that callers read without locks, and the call pipeline.
 *
 * <p>Writers (services appearing and leaving) serialize on {@code this}; readers only read the
 * volatile snapshot.
 */
public final class RegistryCore implements CpiRegistry {

    private static final Logger LOG = System.getLogger(RegistryCore.class.getName());

    /** The immutable view callers read. */
    private record Snapshot(Map<String, Registration> byName, Map<String, ExtensionInfo> infoByName,
            List<ExtensionInfo> infos) {
    }

    /** A name whose service left recently: calls for it wait for it to come back. */
    private record Departure(long bundleId, long untilNanos) {
    }

    private final Map<Long, Registration> registrations = new HashMap<>();
    private final Map<String, Departure> departures = new HashMap<>();
    private final Stats stats = new Stats();
    private final ExecutorService deadlineExecutor;
    private final String requestPrefix;
    private final AtomicLong requestCounter = new AtomicLong();

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), List.of());
    private volatile long handoverNanos;
    private volatile long drainMillis;

    /**
     * Creates a registry.
     *
     * @param handoverMillis how long a call for a name that just left waits for it to return
     * @param drainMillis how long the removal of a service waits for its running calls
     * @param deadlineExecutor runs calls that have a deadline, so the caller can give up on them
     */
    public RegistryCore(long handoverMillis, long drainMillis, ExecutorService deadlineExecutor) {
        this.deadlineExecutor = deadlineExecutor;
        this.requestPrefix = Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
        configure(handoverMillis, drainMillis);
    }

    /** Changes the timeouts of a running registry. */
    public void configure(long handoverMillis, long drainMillisValue) {
        if (handoverMillis < 0 || drainMillisValue < 0) {
            throw new IllegalArgumentException("Registry timeouts must not be negative (handover "
                    + handoverMillis + " ms, drain " + drainMillisValue + " ms).");
        }
        this.handoverNanos = TimeUnit.MILLISECONDS.toNanos(handoverMillis);
        this.drainMillis = drainMillisValue;
    }

    // ------------------------------------------------------------------ tracking

    /** A service appeared (or changed its properties). */
    public void add(ServiceIdentity identity, CpiExtension service) {
        // Ask the provider outside the lock: a slow name() must not block other bookkeeping.
        Registration registration = Registration.of(identity, service, stats);
        synchronized (this) {
            Registration previous = registrations.put(identity.serviceId(), registration);
            if (!registration.isFailed()) {
                departures.remove(registration.name);
            }
            rebuild();
            notifyAll();
            logAdded(registration, previous);
        }
    }

    /**
     * A service is leaving. Returns once the calls already running on it have finished (bounded),
     * so the provider is not deactivated under them.
     */
    public void remove(long serviceId) {
        Registration removed;
        synchronized (this) {
            removed = registrations.remove(serviceId);
            if (removed == null) {
                return;
            }
            removed.retire();
            final Registration gone = removed;
            if (!removed.isFailed() && registrations.values().stream()
                    .noneMatch(r -> !r.isFailed() && r.name.equals(gone.name))) {
                // The name is gone: remember it for a while, its bundle may be being updated.
                departures.put(gone.name, new Departure(gone.identity.bundleId(),
                        System.nanoTime() + handoverNanos));
            }
            rebuild();
            notifyAll();
        }
        LOG.log(Level.INFO, "Extension ''{0}'' removed ({1}).",
                removed.name.isEmpty() ? "?" : removed.name, removed.identity.describe());
        if (removed.inFlight() > 0) {
            try {
                if (!removed.awaitDrained(drainMillis)) {
                    LOG.log(Level.WARNING, "Extension ''{0}'' was removed with {1} calls still running after {2} ms.",
                            removed.name, removed.inFlight(), drainMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A bundle is gone for good: calls waiting for its extensions to come back stop waiting. */
    public synchronized void bundleUninstalled(long bundleId) {
        if (departures.values().removeIf(d -> d.bundleId() == bundleId)) {
            notifyAll();
        }
    }

    private void logAdded(Registration registration, Registration previous) {
        if (registration.isFailed()) {
            LOG.log(Level.WARNING, "Extension service {0} failed: {1}", registration.identity.describe(),
                    registration.failure);
        } else if (previous == null) {
            LOG.log(Level.INFO, "Extension ''{0}'' added ({1}, {2} actions, {3}).", registration.name,
                    registration.providerType, registration.actions.size(), registration.identity.describe());
        } else {
            LOG.log(Level.INFO, "Extension ''{0}'' updated ({1}).", registration.name,
                    registration.identity.describe());
        }
    }

    /** Recomputes the snapshot: winners by name, then every service with its state. */
    private void rebuild() {
        Map<String, Registration> winners = new HashMap<>();
        for (Registration r : registrations.values()) {
            if (r.isFailed()) {
                continue;
            }
            Registration current = winners.get(r.name);
            if (current == null || r.identity.beats(current.identity)) {
                winners.put(r.name, r);
            }
        }
        List<ExtensionInfo> infos = new ArrayList<>(registrations.size());
        Map<String, ExtensionInfo> infoByName = new HashMap<>();
        for (Registration r : registrations.values()) {
            ExtensionInfo.State state;
            String reason;
            if (r.isFailed()) {
                state = ExtensionInfo.State.FAILED;
                reason = r.failure;
            } else if (winners.get(r.name) != r) {
                state = ExtensionInfo.State.SHADOWED;
                reason = "Shadowed by " + winners.get(r.name).identity.describe() + ".";
            } else {
                state = ExtensionInfo.State.ACTIVE;
                reason = "";
            }
            ExtensionInfo info = new ExtensionInfo(r.name, r.providerType, r.identity.bundleSymbolicName(),
                    r.identity.bundleVersion(), r.identity.serviceId(), r.identity.ranking(), r.actionNames,
                    state, reason);
            infos.add(info);
            if (state == ExtensionInfo.State.ACTIVE) {
                infoByName.put(r.name, info);
            }
        }
        infos.sort(Comparator.comparing(ExtensionInfo::name).thenComparingLong(ExtensionInfo::serviceId));
        snapshot = new Snapshot(Map.copyOf(winners), Map.copyOf(infoByName), List.copyOf(infos));
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<ExtensionInfo> list() {
        Snapshot current = snapshot;
        List<ExtensionInfo> result = new ArrayList<>(current.infos.size());
        for (ExtensionInfo info : current.infos) {
            result.add(info.state() == ExtensionInfo.State.ACTIVE ? withHealth(info, current.byName.get(info.name()))
                    : info);
        }
        return List.copyOf(result);
    }

    @Override
    public Optional<ExtensionInfo> info(String name) {
        Snapshot current = snapshot;
        Registration registration = current.byName.get(name);
        ExtensionInfo info = current.infoByName.get(name);
        return registration == null || info == null ? Optional.empty()
                : Optional.of(withHealth(info, registration));
    }

    /** Asks the provider for its health (listings only, never on the call path). */
    private static ExtensionInfo withHealth(ExtensionInfo info, Registration registration) {
        ExtensionInfo.State state;
        String reason;
        try {
            CpiExtension.Health health = registration.service.health();
            state = switch (health == null ? CpiExtension.Health.OK : health) {
                case OK -> ExtensionInfo.State.ACTIVE;
                case DEGRADED -> ExtensionInfo.State.DEGRADED;
                case ERROR -> ExtensionInfo.State.ERROR;
                case STOPPED -> ExtensionInfo.State.STOPPED;
            };
            reason = state == ExtensionInfo.State.ACTIVE ? "" : registration.service.healthDetail();
        } catch (Throwable t) {
            state = ExtensionInfo.State.ERROR;
            reason = "health() threw " + Registration.describe(t) + ".";
        }
        if (state == info.state() && reason.equals(info.reason())) {
            return info;
        }
        return new ExtensionInfo(info.name(), info.providerType(), info.bundleSymbolicName(),
                info.bundleVersion(), info.serviceId(), info.serviceRanking(), info.actions(), state,
                reason == null ? "" : reason);
    }

    @Override
    public Optional<CpiExtension> find(String name) {
        Registration registration = snapshot.byName.get(name);
        return registration == null ? Optional.empty() : Optional.of(registration.service);
    }



    @Override
    public List<ActionStats> statistics() {
        return stats.snapshot();
    }

    // ------------------------------------------------------------------ calling

    @Override
    public ActionResult invoke(String name, String action, Map<String, Object> params, CallContext context) {
        long start = System.nanoTime();
        // 1. Request id.
        CallContext ctx = context == null ? CallContext.empty() : context;
        if (ctx.requestId() == null) {
            ctx = ctx.toBuilder().requestId(requestPrefix + requestCounter.incrementAndGet()).build();
        }
        Map<String, Object> args = params == null ? Map.of() : params;
        // 2. Entry log.
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "[{0}] call {1}.{2} {3}", ctx.requestId(), name, action, Redaction.redact(args));
        }
        if (name == null || action == null) {
            return finish(ctx, name, action, null, start, ActionResult.failure(CpiError.INVALID_CALL,
                    "A call needs an extension name and an action name (got " + name + " and " + action + ")."));
        }
        while (true) {
            // 3. Extension.
            Registration registration = snapshot.byName.get(name);
            if (registration == null) {
                registration = awaitHandover(name, ctx);
                if (registration == null) {
                    return finish(ctx, name, action, null, start, ActionResult.failure(CpiError.NOT_FOUND,
                            "No extension named '" + name + "' is registered."));
                }
            }
            // 4. Action.
            ActionDefinition definition = registration.actions.get(action);
            Stats.Cell cell = registration.stats.get(action);
            if (definition == null) {
                return finish(ctx, name, action, null, start, ActionResult.failure(CpiError.NOT_IMPLEMENTED,
                        "Extension '" + name + "' has no action '" + action + "'."));
            }
            // 5. Parameters.
            String invalid = validate(name, definition, args);
            if (invalid != null) {
                return finish(ctx, name, action, cell, start,
                        ActionResult.failure(CpiError.INVALID_PARAMETER, invalid));
            }
            // 6. Read-only.
            if (ctx.readOnly() && !definition.readOnly()) {
                return finish(ctx, name, action, cell, start, ActionResult.failure(CpiError.READ_ONLY, "Action '"
                        + action + "' of extension '" + name + "' changes state and the call is read-only."));
            }
            // The service may have been removed since the lookup: then look again (and wait for
            // its successor) instead of calling a provider that is being deactivated.
            if (!registration.enter()) {
                continue;
            }
            // 7 + 8. Deadline and call.
            ActionResult result = ctx.hasDeadline() ? callWithDeadline(registration, action, args, ctx)
                    : call(registration, action, args, ctx);
            // 9 + 10. Exit log and statistics.
            return finish(ctx, name, action, cell, start, result);
        }
    }

    /**
     * Calls the provider on this thread: the hot path, no hop. The caller has entered the
     * registration; this method leaves it.
     */
    private static ActionResult call(Registration registration, String action, Map<String, Object> args,
            CallContext ctx) {
        try {
            ActionResult result = registration.service.execute(action, args, ctx);
            if (result == null) {
                return ActionResult.failure(CpiError.INTERNAL, "Extension '" + registration.name
                        + "' returned no result for action '" + action + "'.");
            }
            return result;
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            return ActionResult.failure(CpiError.INTERNAL, "Extension '" + registration.name + "' failed in action '"
                    + action + "': " + Registration.describe(t) + ".");
        } finally {
            registration.exit();
        }
    }

    private ActionResult callWithDeadline(Registration registration, String action, Map<String, Object> args,
            CallContext ctx) {
        long left = ctx.deadlineNanos() - System.nanoTime();
        if (left <= 0) {
            registration.exit();
            return timeout(registration.name, action, ctx, "before it started");
        }
        DeadlineCall task = new DeadlineCall(() -> call(registration, action, args, ctx), registration::exit);
        try {
            deadlineExecutor.execute(task);
        } catch (RuntimeException e) {
            registration.exit();
            return ActionResult.failure(new CpiError(CpiError.UNAVAILABLE,
                    "The registry cannot run calls with a deadline now: " + Registration.describe(e) + ".", true));
        }
        try {
            return task.result.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel();
            return timeout(registration.name, action, ctx, "in time");
        } catch (InterruptedException e) {
            task.cancel();
            Thread.currentThread().interrupt();
            return ActionResult.failure(new CpiError(CpiError.UNAVAILABLE,
                    "The caller was interrupted while action '" + action + "' of extension '" + registration.name
                            + "' ran.", true));
        } catch (ExecutionException e) {
            return ActionResult.failure(CpiError.INTERNAL, "Extension '" + registration.name + "' failed in action '"
                    + action + "': " + Registration.describe(e.getCause()) + ".");
        }
    }

    /**
     * A call run on a pool thread so its caller can give up at the deadline. Cancelling
     * interrupts the provider's thread, but only while it runs this call; a call cancelled
     * before it started never reaches the provider and still leaves the registration.
     */
    private static final class DeadlineCall implements Runnable {
        final CompletableFuture<ActionResult> result = new CompletableFuture<>();
        private final Supplier<ActionResult> body;
        private final Runnable leaveUnstarted;
        private Thread worker;
        private boolean cancelled;

        DeadlineCall(Supplier<ActionResult> body, Runnable leaveUnstarted) {
            this.body = body;
            this.leaveUnstarted = leaveUnstarted;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (cancelled) {
                    leaveUnstarted.run();
                    return;
                }
                worker = Thread.currentThread();
            }
            try {
                result.complete(body.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                synchronized (this) {
                    worker = null;
                }
                // A cancel() that raced with the end of the call must not hit the next task.
                Thread.interrupted();
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (worker != null) {
                worker.interrupt();
            }
        }
    }

    private static ActionResult timeout(String name, String action, CallContext ctx, String when) {
        return ActionResult.failure(CpiError.TIMEOUT, "Action '" + action + "' of extension '" + name
                + "' did not finish " + when + " (deadline of request " + ctx.requestId() + " passed).");
    }

    /** Waits (bounded) for a name whose service left recently, as during a bundle update. */
    private Registration awaitHandover(String name, CallContext ctx) {
        synchronized (this) {
            while (true) {
                Registration registration = snapshot.byName.get(name);
                if (registration != null) {
                    return registration;
                }
                Departure departure = departures.get(name);
                long now = System.nanoTime();
                if (departure == null) {
                    return null;
                }
                long until = departure.untilNanos();
                if (ctx.hasDeadline() && ctx.deadlineNanos() - until < 0) {
                    until = ctx.deadlineNanos();
                }
                long left = until - now;
                if (left <= 0) {
                    if (departure.untilNanos() - now <= 0) {
                        departures.remove(name);
                    }
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private ActionResult finish(CallContext ctx, String name, String action, Stats.Cell cell, long start,
            ActionResult result) {
        long nanos = System.nanoTime() - start;
        boolean error = !result.isSuccess();
        boolean timeout = error && CpiError.TIMEOUT.equals(result.error().type());
        Stats.Cell target = cell != null ? cell : stats.cell(name == null ? "" : name, action == null ? "" : action);
        target.record(nanos, error, timeout);
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "[{0}] done {1}.{2} {3} in {4} us", ctx.requestId(), name, action,
                    error ? result.error().type() : "ok", nanos / 1000);
        }
        return result;
    }

    /**
     * Checks parameters against the definition.
     *
     * @return null when valid, or a message naming the offending parameter
     */
    static String validate(String name, ActionDefinition definition, Map<String, Object> args) {
        List<ParameterDefinition> parameters = definition.parameters();
        int known = 0;
        for (int i = 0, n = parameters.size(); i < n; i++) {
            ParameterDefinition parameter = parameters.get(i);
            Object value = args.get(parameter.name());
            if (value == null) {
                if (args.containsKey(parameter.name())) {
                    known++;
                    if (!parameter.nullable()) {
                        return "Parameter '" + parameter.name() + "' of action '" + definition.name()
                                + "' must not be null.";
                    }
                } else if (parameter.required()) {
                    return "Missing required parameter '" + parameter.name() + "' of action '"
                            + definition.name() + "' (" + parameter.type().phrase() + ").";
                }
                continue;
            }
            known++;
            if (!parameter.type().matches(value)) {
                return "Parameter '" + parameter.name() + "' of action '" + definition.name() + "' must be "
                        + parameter.type().phrase() + ", got " + ParameterDefinition.Type.describe(value) + ".";
            }
        }
        if (known != args.size()) {
            for (String key : args.keySet()) {
                if (definition.parameter(key).isEmpty()) {
                    return "Unknown parameter '" + key + "' for action '" + definition.name() + "' of extension '"
                            + name + "'; expected " + names(parameters) + ".";
                }
            }
        }
        return null;
    }

    private static String names(List<ParameterDefinition> parameters) {
        if (parameters.isEmpty()) {
            return "no parameters";
        }
        List<String> names = new ArrayList<>();
        for (ParameterDefinition parameter : parameters) {
            names.add(parameter.name());
        }
        return String.join(", ", names);
    }
}
