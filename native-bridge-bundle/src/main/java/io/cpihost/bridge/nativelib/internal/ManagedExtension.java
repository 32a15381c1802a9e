package io.cpihost.bridge.nativelib.internal;

import java.util.Map;

import io.cpihost.api.CpiExtension;

/**
 * An extension the bridge publishes and later closes: a loaded native instance or the
 * placeholder of one that could not load.
 */
public interface ManagedExtension extends CpiExtension, AutoCloseable {

    /** Service property holding the path of the library as the operator gave it. */
    String LIBRARY_PROPERTY = "cpi.native.library";
    /** Service property holding the component's {@code version} from its info. */
    String VERSION_PROPERTY = "cpi.native.version";
    /** Service property holding why the instance could not load. */
    String ERROR_PROPERTY = "cpi.native.error";

    /**
     * The properties to publish the service with.
     *
     * @return the properties, {@link CpiExtension#NAME_PROPERTY} included
     */
    Map<String, Object> serviceProperties();

    /**
     * Releases the instance: waits for the call in flight, stops and destroys it and unloads
     * its library. Idempotent; never throws.
     */
    @Override
    void close();
}
