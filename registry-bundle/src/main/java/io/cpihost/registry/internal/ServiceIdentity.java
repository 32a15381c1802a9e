package io.cpihost.registry.internal;

/**
 * Who published a service: enough to order clashing services and to tell users where each
 * comes from.
 *
 * @param serviceId the service id (lower wins a tie)
 * @param ranking the service ranking (higher wins)
 * @param bundleId the publishing bundle's id
 * @param bundleSymbolicName the publishing bundle's symbolic name
 * @param bundleVersion the publishing bundle's version
 */
public record ServiceIdentity(long serviceId, int ranking, long bundleId, String bundleSymbolicName,
        String bundleVersion) {

    /** True when this service wins a name clash against the other. */
    boolean beats(ServiceIdentity other) {
        if (ranking != other.ranking) {
            return ranking > other.ranking;
        }
        return serviceId < other.serviceId;
    }

    String describe() {
        return "service " + serviceId + " of bundle " + bundleSymbolicName + " " + bundleVersion
                + " (ranking " + ranking + ")";
    }
}
