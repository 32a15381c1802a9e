package io.cpihost.bridge.nativelib;

import java.nio.file.Path;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.cpihost.bridge.nativelib.internal.LoadRequest;
import io.cpihost.bridge.nativelib.internal.Publication;
import io.cpihost.bridge.nativelib.internal.Publisher;

/**
 * One native instance per factory configuration of {@value #PID}. An instance that cannot load
 * is published anyway, in state ERROR with the reason, so {@code cpi:list} shows why; a changed
 * configuration reloads it.
 */
@Component(configurationPid = NativeExtensionComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = NativeExtensionComponent.Config.class, factory = true)
public final class NativeExtensionComponent {

    /** The factory PID. */
    public static final String PID = "io.cpihost.bridge.native";

    /** The settings of one native instance. */
    @ObjectClassDefinition(name = "CPI Host native extension",
            description = "Loads a shared library implementing the CPI Host component ABI "
                    + "(cpihost_component.h) and publishes it as a CPI extension.")
    public @interface Config {

        /**
         * The library path.
         *
         * @return the path
         */
        @AttributeDefinition(name = "Library", description = "Path of the shared library (.so, .dylib or .dll).")
        String library();

        /**
         * The name override.
         *
         * @return the name, or empty for the component's own id
         */
        @AttributeDefinition(name = "Name", required = false,
                description = "Name callers use for the extension; empty for the 'id' the component reports.")
        String name() default "";

        /**
         * The component configuration.
         *
         * @return a JSON object as text
         */
        @AttributeDefinition(name = "Configuration", required = false,
                description = "JSON object passed to component_configure.")
        String config() default "{}";
    }

    private final Publication publication;

    /**
     * Loads the library and publishes the instance, or its failure.
     *
     * @param bridge the bridge
     * @param config the configuration
     * @throws IllegalArgumentException when the configuration names no library
     */
    @Activate
    public NativeExtensionComponent(@Reference(service = NativeBridge.class) Publisher bridge, Config config) {
        String library = config.library() == null ? "" : config.library().trim();
        if (library.isEmpty()) {
            throw new IllegalArgumentException("A configuration of " + PID + " has no 'library' path.");
        }
        this.publication = bridge.publish(LoadRequest.of(Path.of(library), config.name(), config.config(),
                "configuration (property 'config')"));
    }

    /** Unpublishes the instance, waits for its call in flight and unloads it. */
    @Deactivate
    void deactivate() {
        publication.close();
    }
}
