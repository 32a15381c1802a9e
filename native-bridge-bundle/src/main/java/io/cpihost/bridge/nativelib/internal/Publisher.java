package io.cpihost.bridge.nativelib.internal;

/** Loads and publishes native instances; the bridge in a framework, a plain loader in tests. */
@FunctionalInterface
public interface Publisher {

    /**
     * Loads the library and publishes the result, a working instance or a failed placeholder.
     *
     * @param request what to load
     * @return the publication, never null
     */
    Publication publish(LoadRequest request);
}
