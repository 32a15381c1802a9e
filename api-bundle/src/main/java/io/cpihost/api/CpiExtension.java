package io.cpihost.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cloud provider: a named set of actions that manage cloud resources.
 *
 * <p>Every provider kind (Java bundle, external executable, native library) is published as
 * an OSGi service of this type. The registry calls {@link #name()}, {@link #providerType()}
 * and {@link #listActions()} when the service appears (and when its properties change), then
 * {@link #execute} for every call, possibly from many threads at once.
 *
 * <p>Implementations must be thread-safe. They should return errors as
 * {@link ActionResult#failure(CpiError, String)} rather than throw; the registry turns any
 * exception into an {@link CpiError#INTERNAL} error.
 */
@ConsumerType
public interface CpiExtension {

    /** Provider type of extensions implemented directly in Java. */
    String TYPE_JAVA = "java";
    /** Provider type of external executables run through the process bridge. */
    String TYPE_PROCESS = "process";
    /** Provider type of native shared libraries run through the native bridge. */
    String TYPE_NATIVE = "native";

    /**
     * Optional, informational service property holding the extension's name, so service
     * listings ({@code inspect cap service}) show it. The registry always uses {@link #name()}.
     */
    String NAME_PROPERTY = "cpi.extension.name";

    /**
     * Optional service property: the file the extension was loaded from (an executable, a
     * shared library), as an absolute path. {@code cpi:deployments} uses it to tell what became
     * of each file of the watched folder.
     */
    String SOURCE_PROPERTY = "cpi.extension.source";

    /**
     * The unique name callers use for this extension, such as {@code "aws"} or {@code "memory"}.
     *
     * @return a non-blank name, stable for the lifetime of the service
     */
    String name();

    /**
     * What kind of provider this is: {@link #TYPE_JAVA}, {@link #TYPE_PROCESS},
     * {@link #TYPE_NATIVE} or another short lower-case word.
     *
     * @return the provider type
     */
    String providerType();

    /**
     * The actions this extension offers, in a stable order.
     *
     * @return the action definitions, never {@code null}
     */
    List<ActionDefinition> listActions();

    /**
     * The definition of one action.
     *
     * @param action the action name
     * @return the definition, or empty when the extension has no such action
     */
    default Optional<ActionDefinition> actionDefinition(String action) {
        for (ActionDefinition definition : listActions()) {
            if (definition.name().equals(action)) {
                return Optional.of(definition);
            }
        }
        return Optional.empty();
    }

    /**
     * Executes an action. The registry has already checked that the action exists, that the
     * parameters match its definition and that a read-only context only reaches read-only
     * actions.
     *
     * @param action the action name
     * @param params the parameters by name: JSON-compatible values (null, Boolean, Number,
     *        String, List, Map with String keys); never {@code null}
     * @param context the call's request id, deadline, read-only flag and attributes
     * @return the result value or a structured error, with the call's log
     */
    ActionResult execute(String action, Map<String, Object> params, CallContext context);

    /**
     * The extension's current health. Providers that can degrade (a native component, a
     * remote endpoint) report it here; the registry shows it in its listing.
     *
     * @return the health, {@link Health#OK} by default
     */
    default Health health() {
        return Health.OK;
    }

    /**
     * Why the extension reports the health it does, in a full sentence ("executable '/x' is not
     * executable."); shown beside its state in listings.
     *
     * @return the detail, empty by default
     */
    default String healthDetail() {
        return "";
    }

    /** Health states an extension reports about itself. */
    enum Health {
        /** Working normally. */
        OK,
        /** Working, with reduced function or performance. */
        DEGRADED,
        /** Not working; calls are likely to fail. */
        ERROR,
        /** Stopped; calls will fail. */
        STOPPED
    }
}
