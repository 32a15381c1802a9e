package io.cpihost.bridge.process.internal;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.cpihost.api.CpiExtension;

/** Publishes extensions as services of a bundle. */
final class BundlePublisher implements Publisher {

    private final BundleContext context;

    BundlePublisher(BundleContext context) {
        this.context = context;
    }

    @Override
    public Publication publish(CpiExtension extension, Map<String, Object> properties) {
        ServiceRegistration<CpiExtension> registration =
                context.registerService(CpiExtension.class, extension, new Hashtable<>(properties));
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // Already unregistered: the bundle is stopping.
            }
        };
    }
}
