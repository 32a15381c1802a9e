package io.cpihost.bridge.nativelib.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.bridge.nativelib.internal.NativeComponent.InvalidTextException;

/**
 * A started native instance as a {@link io.cpihost.api.CpiExtension}. Calls are serialized (the
 * ABI gives the component mutable state without locking); the status is polled at most once per
 * {@link #STATUS_INTERVAL_NANOS}, and never waits behind a running call.
 */
public final class NativeExtension implements ManagedExtension {

    /** How long a polled status stays fresh. */
    static final long STATUS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How long {@link #close()} waits for the call in flight before leaving the library loaded. */
    static final long CLOSE_WAIT_SECONDS = 30;

    private static final Logger LOG = System.getLogger(NativeExtension.class.getName());

    private final NativeComponent component;
    private final String name;
    private final ComponentInfo info;
    private final List<ActionDefinition> actions;
    private final boolean described;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private volatile Status status;

    private NativeExtension(NativeComponent component, String name, ComponentInfo info,
            List<ActionDefinition> actions, boolean described, int firstStatus, String statusError) {
        this.component = component;
        this.name = name;
        this.info = info;
        this.actions = actions;
        this.described = described;
        this.status = new Status(firstStatus, statusError, System.nanoTime());
    }

    /**
     * Loads a private copy of the library and runs create, configure, start, info and describe.
     *
     * @param library the library file
     * @param nameOverride the configured name, or null/blank to use the info's {@code id}
     * @param configJson the JSON object for {@code component_configure}
     * @param copyDirectory where the private copy goes
     * @return the started instance
     * @throws NativeLoadException with the specific reason; nothing stays loaded or copied
     */
    static NativeExtension start(Path library, String nameOverride, String configJson, Path copyDirectory)
            throws NativeLoadException {
        NativeComponent component = NativeComponent.load(library, copyDirectory);
        String shown = component.library();
        boolean started = false;
        try {
            if (!component.create()) {
                throw new NativeLoadException("The component_create of library '" + shown + "' returned NULL.");
            }
            if (component.configure(configJson) != 0) {
                throw new NativeLoadException("The component_configure of library '" + shown + "' failed"
                        + detail(component) + ".");
            }
            if (component.start() != 0) {
                throw new NativeLoadException("The component_start of library '" + shown + "' failed"
                        + detail(component) + ".");
            }
            started = true;
            String infoJson = text(component, NativeComponent::info, "component_info");
            ComponentInfo info = ComponentInfo.parse(infoJson, shown);
            String name = nameOverride != null && !nameOverride.isBlank() ? nameOverride.trim() : info.id();
            if (name.isBlank()) {
                throw new NativeLoadException("The component_info of library '" + shown
                        + "' has no 'id', and no name was configured.");
            }
            List<ActionDefinition> actions;
            boolean described = component.hasDescribe();
            if (described) {
                actions = ActionDescriptions.parse(text(component, NativeComponent::describe, "component_describe"),
                        shown);
            } else {
                actions = ActionDescriptions.fromMethods(info.rpcMethods());
            }
            int firstStatus = component.status();
            String statusError = firstStatus == -1 ? lastErrorMessage(component) : null;
            return new NativeExtension(component, name, info, actions, described, firstStatus, statusError);
        } catch (NativeLoadException | RuntimeException | Error e) {
            shutDown(component, started);
            throw e;
        }
    }

    private interface StringCall {
        String call(NativeComponent component) throws InvalidTextException;
    }

    private static String text(NativeComponent component, StringCall call, String function)
            throws NativeLoadException {
        try {
            String text = call.call(component);
            if (text == null) {
                throw new NativeLoadException("The " + function + " of library '" + component.library()
                        + "' returned NULL" + detail(component) + ".");
            }
            return text;
        } catch (InvalidTextException e) {
            throw new NativeLoadException("The " + function + " of library '" + component.library()
                    + "' is unusable: " + e.getMessage() + ".");
        }
    }

    /** ": message (type)" from component_last_error, or a note that there is no detail. */
    private static String detail(NativeComponent component) {
        CpiError error = lastError(component);
        return error == null ? (component.hasLastError() ? " and gave no detail" : "")
                : ": " + stripPeriod(error.message()) + " (" + error.type() + ")";
    }

    private static String lastErrorMessage(NativeComponent component) {
        CpiError error = lastError(component);
        return error == null ? null : error.message();
    }

    /** The component's last error, or null when it has none or describes it unusably. */
    private static CpiError lastError(NativeComponent component) {
        String json;
        try {
            json = component.lastError();
        } catch (InvalidTextException e) {
            LOG.log(Level.DEBUG, "Library ''{0}'': {1}", component.library(), e.getMessage());
            return null;
        }
        if (json == null) {
            return null;
        }
        try {
            Map<String, Object> object = Json.parseObject(json);
            Object type = object.get("type");
            Object message = object.get("message");
            Object retry = object.get("ok_to_retry");
            return new CpiError(type instanceof String && !((String) type).isBlank() ? (String) type
                    : CpiError.CLOUD_ERROR, message instanceof String ? (String) message : "",
                    Boolean.TRUE.equals(retry));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "The component_last_error of library ''{0}'' is unusable: {1}",
                    component.library(), e.getMessage());
            return null;
        }
    }

    private static void shutDown(NativeComponent component, boolean started) {
        try {
            if (started && component.stop() != 0) {
                LOG.log(Level.WARNING, "The component_stop of library ''{0}'' failed{1}.", component.library(),
                        detail(component));
            }
            component.destroy();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Library ''" + component.library() + "'' failed while shutting down.", e);
        } finally {
            component.unload();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String providerType() {
        return TYPE_NATIVE;
    }

    @Override
    public List<ActionDefinition> listActions() {
        return actions;
    }

    /** What {@code component_info} said. */
    public ComponentInfo info() {
        return info;
    }

    /** The library as the operator gave it. */
    public String library() {
        return component.library();
    }

    /** The private copy that is loaded. */
    public Path loadedCopy() {
        return component.copy();
    }

    @Override
    public Map<String, Object> serviceProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(NAME_PROPERTY, name);
        properties.put(LIBRARY_PROPERTY, component.library());
        properties.put(SOURCE_PROPERTY, component.library());
        properties.put(VERSION_PROPERTY, info.version());
        return properties;
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        try {
            return call(action, params == null ? Map.of() : params, context == null ? CallContext.empty() : context);
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "Native extension '" + name + "' failed in action '" + action + "'.", e);
            return ActionResult.failure(CpiError.INTERNAL, "Native extension '" + name + "' failed in action '"
                    + action + "': " + e + ".");
        }
    }

    private ActionResult call(String action, Map<String, Object> params, CallContext context) {
        if (actionDefinition(action).isEmpty()) {
            return ActionResult.failure(CpiError.NOT_IMPLEMENTED, "Native extension '" + name
                    + "' has no action '" + action + "'.");
        }
        String paramsJson;
        try {
            paramsJson = Json.write(described ? params
                    : params.containsKey(ActionDescriptions.PARAMS) ? params.get(ActionDescriptions.PARAMS)
                    : Map.of());
        } catch (JsonProcessingException e) {
            return ActionResult.failure(CpiError.INVALID_PARAMETER, "The parameters of action '" + action
                    + "' of native extension '" + name + "' cannot be written as JSON: " + e.getOriginalMessage() + ".");
        }
        if (closed) {
            return unavailable();
        }
        try {
            if (context.hasDeadline()) {
                long left = context.deadlineNanos() - System.nanoTime();
                if (!lock.tryLock(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    return ActionResult.failure(CpiError.TIMEOUT, "Action '" + action + "' of native extension '"
                            + name + "' waited for the call before it until its deadline passed.");
                }
            } else {
                lock.lockInterruptibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionResult.failure(CpiError.TIMEOUT, "Action '" + action + "' of native extension '" + name
                    + "' was interrupted while waiting for the call before it.");
        }
        try {
            if (closed) {
                return unavailable();
            }
            LOG.log(Level.DEBUG, "Native extension ''{0}'': {1}", name, action);
            String result;
            try {
                result = component.handleRpc(action, paramsJson);
            } catch (InvalidTextException e) {
                return ActionResult.failure(CpiError.INVALID_RESPONSE, "Native extension '" + name
                        + "' answered action '" + action + "' unusably: " + e.getMessage() + ".");
            }
            if (result == null) {
                CpiError error = lastError(component);
                if (error != null) {
                    return ActionResult.failure(error);
                }
                return ActionResult.failure(CpiError.CLOUD_ERROR, "Native extension '" + name
                        + "' returned no result for method '" + action + "'"
                        + (component.hasLastError() ? " and its component_last_error gave no detail."
                                : " and gave no detail (it does not export component_last_error)."));
            }
            try {
                return ActionResult.success(Json.parse(result));
            } catch (JsonProcessingException e) {
                return ActionResult.failure(CpiError.INVALID_RESPONSE, "Native extension '" + name
                        + "' answered method '" + action + "' with text that is not valid JSON ("
                        + e.getOriginalMessage() + "): '" + Json.excerpt(result) + "'.");
            }
        } finally {
            lock.unlock();
        }
    }

    private ActionResult unavailable() {
        return ActionResult.failure(CpiError.UNAVAILABLE, "Native extension '" + name + "' has been removed.");
    }

    @Override
    public Health health() {
        return currentStatus().health();
    }

    @Override
    public String healthDetail() {
        return currentStatus().detail(name, component.library());
    }

    private Status currentStatus() {
        Status known = status;
        if (closed) {
            return Status.REMOVED;
        }
        if (System.nanoTime() - known.polledAt < STATUS_INTERVAL_NANOS || !lock.tryLock()) {
            // fresh enough, or a call is running: the cached value will do
            return known;
        }
        try {
            if (closed) {
                return Status.REMOVED;
            }
            int code = component.status();
            Status polled = new Status(code, code == -1 ? lastErrorMessage(component) : null, System.nanoTime());
            if (polled.code != known.code) {
                LOG.log(polled.health() == Health.OK ? Level.INFO : Level.WARNING, "Native extension ''{0}'': {1}",
                        name, polled.code == 0 ? "back to OK." : polled.detail(name, component.library()));
            }
            status = polled;
            return polled;
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Native extension '" + name + "' failed to report its status.", e);
            Status failed = new Status(-1, "component_status failed: " + e, System.nanoTime());
            status = failed;
            return failed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking calls, waits up to {@value #CLOSE_WAIT_SECONDS} s for the call in flight, then
     * stops and destroys the instance, unloads the library and deletes its private copy. A call
     * that does not return in time keeps the library loaded (unloading code that runs would
     * crash the process); that is logged.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean locked = false;
        boolean interrupted = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (!locked) {
            try {
                locked = lock.tryLock(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (!locked) {
                    LOG.log(Level.ERROR, "Native extension ''{0}'' still runs a call after {1} s; library ''{2}''"
                            + " stays loaded.", name, CLOSE_WAIT_SECONDS, component.library());
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (locked) {
            try {
                shutDown(component, true);
                LOG.log(Level.INFO, "Native extension ''{0}'' (library ''{1}'') removed.", name, component.library());
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "NativeExtension[" + name + " " + info.version() + " from " + component.library() + "]";
    }

    private static String stripPeriod(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    /** One polled status. */
    private static final class Status {
        static final Status REMOVED = new Status(3, null, 0);

        final int code;
        final String error;
        final long polledAt;

        Status(int code, String error, long polledAt) {
            this.code = code;
            this.error = error;
            this.polledAt = polledAt;
        }

        Health health() {
            switch (code) {
                case 0:
                    return Health.OK;
                case 1:
                    return Health.DEGRADED;
                case 3:
                    return Health.STOPPED;
                default:
                    return Health.ERROR;
            }
        }

        String detail(String name, String library) {
            String subject = "Native extension '" + name + "' (library '" + library + "')";
            switch (code) {
                case 0:
                    return "";
                case 1:
                    return subject + " reports status Degraded.";
                case 2:
                    return subject + " reports status Error.";
                case 3:
                    return this == REMOVED ? "Native extension '" + name + "' has been removed."
                            : subject + " reports status Stopped.";
                case -1:
                    return subject + " could not report its status"
                            + (error == null || error.isBlank() ? "." : ": " + stripPeriod(error) + ".");
                default:
                    return subject + " reports the unknown status " + code + ".";
            }
        }
    }
}
