package io.cpihost.api;

import java.util.List;

/**
 * What the registry knows of one published {@link CpiExtension} service, for listings.
 *
 * @param name the extension name; for a failed service the best name known (possibly empty)
 * @param providerType the provider type, or empty when unknown
 * @param bundleSymbolicName the symbolic name of the bundle that published the service
 * @param bundleVersion that bundle's version
 * @param serviceId the service id
 * @param serviceRanking the service ranking
 * @param actions the action names, in order (empty for a failed service)
 * @param state the state
 * @param reason why the service is shadowed or failed, or what its health means; empty otherwise
 */
public record ExtensionInfo(String name, String providerType, String bundleSymbolicName,
        String bundleVersion, long serviceId, int serviceRanking, List<String> actions, State state,
        String reason) {

    /**
     * Copies the action list and replaces nulls with empty strings.
     */
    public ExtensionInfo {
        name = name == null ? "" : name;
        providerType = providerType == null ? "" : providerType;
        bundleSymbolicName = bundleSymbolicName == null ? "" : bundleSymbolicName;
        bundleVersion = bundleVersion == null ? "" : bundleVersion;
        actions = actions == null ? List.of() : List.copyOf(actions);
        reason = reason == null ? "" : reason;
    }

    /**
     * Whether callers reach this service under its name.
     *
     * @return true for ACTIVE, DEGRADED, ERROR and STOPPED services that won their name
     */
    public boolean isServing() {
        return state != State.SHADOWED && state != State.FAILED;
    }

    /** The state of a published extension. */
    public enum State {
        /** Serving calls under its name. */
        ACTIVE,
        /** Serving calls, but reports reduced function. */
        DEGRADED,
        /** Reachable under its name, but reports it is not working. */
        ERROR,
        /** Reachable under its name, but reports it is stopped. */
        STOPPED,
        /** Another service with the same name won; the reason names the winner. */
        SHADOWED,
        /** The service could not be used; the reason says why. */
        FAILED
    }
}
