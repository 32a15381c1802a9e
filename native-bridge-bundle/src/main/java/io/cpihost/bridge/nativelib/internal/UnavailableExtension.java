package io.cpihost.bridge.nativelib.internal;

import java.util.List;
import java.util.Map;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;

/**
 * Stands in for a native instance that could not load, so listings show it with the reason:
 * health {@link CpiExtension.Health#ERROR}, no actions, every call {@link CpiError#UNAVAILABLE}.
 */
public final class UnavailableExtension implements ManagedExtension {

    private final String name;
    private final String library;
    private final String message;

    /**
     * Creates the placeholder.
     *
     * @param name the configured name, or the library's file name
     * @param library the library path as given
     * @param message why it could not load, a full sentence
     */
    public UnavailableExtension(String name, String library, String message) {
        this.name = name;
        this.library = library;
        this.message = message;
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
        return List.of();
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        return ActionResult.failure(CpiError.UNAVAILABLE, message);
    }

    @Override
    public Health health() {
        return Health.ERROR;
    }

    @Override
    public String healthDetail() {
        return message;
    }

    @Override
    public Map<String, Object> serviceProperties() {
        return Map.of(NAME_PROPERTY, name, LIBRARY_PROPERTY, library, SOURCE_PROPERTY, library, ERROR_PROPERTY,
                message);
    }

    @Override
    public void close() {
        // nothing was loaded
    }

    @Override
    public String toString() {
        return "UnavailableExtension[" + name + ": " + message + "]";
    }
}
