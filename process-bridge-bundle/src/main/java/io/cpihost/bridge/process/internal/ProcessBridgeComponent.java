package io.cpihost.bridge.process.internal;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

import io.cpihost.api.CpiExtension;

/**
 * One configured CPI executable (factory PID {@value ProcessBridgeConfig#PID}), published as a
 * {@link CpiExtension} service under its configured name.
 *
 * <p>The component publishes the extension itself rather than being the service, because the
 * service property {@link CpiExtension#NAME_PROPERTY} comes from the configured {@code name}.
 * An invalid configuration (other than a missing name) still publishes an extension, in
 * health ERROR with the reason, so that listings show why the instance does not work.
 */
@Component(service = {}, configurationPid = ProcessBridgeConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ProcessBridgeConfig.class, factory = true)
public final class ProcessBridgeComponent {

    private static final System.Logger LOG = System.getLogger(ProcessBridgeComponent.class.getName());

    private final CpiExtension extension;
    private final Publisher.Publication publication;

    /**
     * Validates the configuration and publishes the instance.
     *
     * @param context the bundle context, to publish the service
     * @param config the configuration
     * @param properties the raw configuration properties
     * @throws IllegalArgumentException when the configuration has no name
     */
    @Activate
    public ProcessBridgeComponent(BundleContext context, ProcessBridgeConfig config, Map<String, Object> properties) {
        this(new BundlePublisher(context), config, properties);
    }

    ProcessBridgeComponent(Publisher publisher, ProcessBridgeConfig config, Map<String, ?> properties) {
        String name = config.name() == null ? "" : config.name().trim();
        if (name.isEmpty()) {
            Object pid = properties.get("service.pid");
            throw new IllegalArgumentException("The process bridge configuration "
                    + (pid == null ? "" : "'" + pid + "' ") + "has no 'name'.");
        }
        CpiExtension created;
        try {
            created = new ProcessCpi(BridgeSettings.fromConfig(config, properties));
            LOG.log(System.Logger.Level.INFO, "Process bridge ''{0}'' started for executable ''{1}''.", name,
                    config.executable());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Process bridge ''{0}'' cannot work: {1}", name, e.getMessage());
            created = new FailedExtension(name, e.getMessage());
        }
        this.extension = created;
        this.publication = publisher.publish(created, Publisher.properties(name,
                config.executable() == null ? "" : config.executable()));
    }

    /** The published extension (tests). */
    CpiExtension extension() {
        return extension;
    }

    /**
     * Withdraws the service (the registry lets running calls finish first), then stops the
     * instance's processes.
     */
    @Deactivate
    void deactivate() {
        publication.withdraw();
        if (extension instanceof ProcessCpi) {
            ((ProcessCpi) extension).close();
        }
        LOG.log(System.Logger.Level.INFO, "Process bridge ''{0}'' stopped.", extension.name());
    }
}
