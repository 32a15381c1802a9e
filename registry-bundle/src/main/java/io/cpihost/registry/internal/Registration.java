package io.cpihost.registry.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.CpiExtension;

/**
 * One published {@link CpiExtension} service as the registry sees it: its identity, what it
 * answered when it appeared (name, type, actions), or why it could not be used.
 *
 * <p>Name, type and definitions are read once, when the service appears, so the call path
 * never asks the provider for them again.
 */
final class Registration {

    final ServiceIdentity identity;
    final CpiExtension service;
    final String name;
    final String providerType;
    final Map<String, ActionDefinition> actions;
    final List<String> actionNames;
    /** Why the service cannot be used; null when it can. */
    final String failure;
    /** Statistics cells per action, shared with earlier and later registrations of the name. */
    final Map<String, Stats.Cell> stats;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private final Object drainMonitor = new Object();

    private Registration(ServiceIdentity identity, CpiExtension service, String name, String providerType,
            Map<String, ActionDefinition> actions, String failure, Stats statistics) {
        this.identity = identity;
        this.service = service;
        this.name = name;
        this.providerType = providerType;
        this.actions = actions;
        this.actionNames = List.copyOf(actions.keySet());
        this.failure = failure;
        Map<String, Stats.Cell> cells = new LinkedHashMap<>();
        if (failure == null) {
            for (String action : actions.keySet()) {
                cells.put(action, statistics.cell(name, action));
            }
        }
        this.stats = Collections.unmodifiableMap(cells);
    }

    /**
     * Reads what the registry needs from a newly seen service, guarding every call into it: a
     * provider that throws or answers nonsense becomes a failed registration, never an exception.
     */
    static Registration of(ServiceIdentity identity, CpiExtension service, Stats statistics) {
        String name;
        try {
            name = service.name();
        } catch (Throwable t) {
            return failed(identity, service, "", "name() threw " + describe(t) + ".", statistics);
        }
        if (name == null || name.isBlank()) {
            return failed(identity, service, "", "name() returned a blank name.", statistics);
        }
        if (!name.equals(name.strip())) {
            return failed(identity, service, name, "name() returned '" + name
                    + "', which has leading or trailing white space.", statistics);
        }
        String type;
        try {
            type = service.providerType();
        } catch (Throwable t) {
            return failed(identity, service, name, "providerType() threw " + describe(t) + ".", statistics);
        }
        List<ActionDefinition> definitions;
        try {
            definitions = service.listActions();
        } catch (Throwable t) {
            return failed(identity, service, name, "listActions() threw " + describe(t) + ".", statistics);
        }
        if (definitions == null) {
            return failed(identity, service, name, "listActions() returned null.", statistics);
        }
        Map<String, ActionDefinition> byName = new LinkedHashMap<>();
        for (ActionDefinition definition : new ArrayList<>(definitions)) {
            if (definition == null) {
                return failed(identity, service, name, "listActions() returned a null definition.", statistics);
            }
            if (byName.putIfAbsent(definition.name(), definition) != null) {
                return failed(identity, service, name,
                        "listActions() defines action '" + definition.name() + "' twice.", statistics);
            }
        }
        return new Registration(identity, service, name, type == null ? "" : type,
                Collections.unmodifiableMap(byName), null, statistics);
    }

    private static Registration failed(ServiceIdentity identity, CpiExtension service, String name,
            String reason, Stats statistics) {
        return new Registration(identity, service, name, "", Map.of(), reason, statistics);
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }

    boolean isFailed() {
        return failure != null;
    }

    /**
     * Counts a call in, unless the registration was retired (its service is leaving).
     *
     * @return false when retired: the caller must look the extension up again
     */
    boolean enter() {
        inFlight.incrementAndGet();
        // Paired with retire(): either remove() sees this call in flight and waits for it, or
        // this call sees the retirement and does not start.
        if (retired) {
            exit();
            return false;
        }
        return true;
    }

    /** Marks the service as leaving; calls that have not entered yet will not. */
    void retire() {
        retired = true;
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (drainMonitor) {
                drainMonitor.notifyAll();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no call runs on this registration any more, so an unregistering provider is
     * not deactivated under a running call.
     *
     * @return true when drained, false when the time ran out
     */
    boolean awaitDrained(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (drainMonitor) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drainMonitor.wait(Math.max(1, left / 1_000_000L));
            }
        }
        return true;
    }
}
