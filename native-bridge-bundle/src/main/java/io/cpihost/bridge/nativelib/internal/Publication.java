package io.cpihost.bridge.nativelib.internal;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.cpihost.api.CpiExtension;

/** An extension and its service registration, removed together in the ABI's order. */
public final class Publication implements AutoCloseable {

    private final ManagedExtension extension;
    private final ServiceRegistration<CpiExtension> registration;

    private Publication(ManagedExtension extension, ServiceRegistration<CpiExtension> registration) {
        this.extension = extension;
        this.registration = registration;
    }

    /**
     * Registers the extension as a {@link CpiExtension} service.
     *
     * @param context the bridge's bundle context
     * @param extension the extension
     * @return the publication
     */
    public static Publication register(BundleContext context, ManagedExtension extension) {
        try {
            return new Publication(extension, context.registerService(CpiExtension.class, extension,
                    new Hashtable<>(extension.serviceProperties())));
        } catch (RuntimeException e) {
            extension.close();
            throw e;
        }
    }

    /**
     * An extension that is not registered anywhere, for running the bridge without a framework.
     *
     * @param extension the extension
     * @return the publication
     */
    public static Publication unregistered(ManagedExtension extension) {
        return new Publication(extension, null);
    }

    /**
     * The published extension.
     *
     * @return the extension
     */
    public ManagedExtension extension() {
        return extension;
    }

    /** Unregisters the service, then closes the extension (waits for the call in flight). */
    @Override
    public void close() {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it already
        } finally {
            extension.close();
        }
    }
}
