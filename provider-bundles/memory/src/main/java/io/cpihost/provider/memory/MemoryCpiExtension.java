package io.cpihost.provider.memory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.bosh.BoshCpi;
import io.cpihost.api.bosh.BoshCpiAdapter;

/**
 * An in-memory cloud with the BOSH CPI v2 action set: the test driver of CPI Host.
 *
 * <p>Nothing leaves the JVM: stemcells, VMs, disks and snapshots live in a {@link MemoryCloud},
 * which enforces the rules of a real IaaS so that callers can be tested against refusals as well
 * as successes. The state lives as long as the component: a configuration change reactivates
 * the component and starts with an empty cloud.
 */
@Component(
        service = CpiExtension.class,
        configurationPid = MemoryCpiExtension.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MemoryCpiExtension.Config.class)
public final class MemoryCpiExtension implements CpiExtension {

    /** The configuration PID. */
    public static final String PID = "io.cpihost.provider.memory";
    /** The extension name without configuration. */
    public static final String DEFAULT_NAME = "memory";

    /** The BOSH CPI v2 actions, each with its parameters in BOSH's positional order. */
    static final List<ActionDefinition> ACTIONS = BoshCpi.v2();

    private final String name;
    private final MemoryCloud cloud;

    /** The component's configuration. */
    @ObjectClassDefinition(
            name = "CPI Host memory provider",
            description = "An in-memory cloud with the BOSH CPI v2 actions, for tests.")
    public @interface Config {

        /**
         * The extension name.
         *
         * @return the name
         */
        @AttributeDefinition(name = "Name",
                description = "The name callers use for this extension.")
        String name() default DEFAULT_NAME;

        /**
         * The largest disk.
         *
         * @return the size in MiB
         */
        @AttributeDefinition(name = "Largest disk (MiB)",
                description = "create_disk, resize_disk and update_disk refuse larger sizes.",
                min = "1")
        long maxDiskSizeMib() default 1_048_576;

        /**
         * How many VMs may exist at once.
         *
         * @return the limit
         */
        @AttributeDefinition(name = "VM limit",
                description = "create_vm fails once this many VMs exist.", min = "1")
        int maxVms() default 10_000;
    }

    /**
     * Starts with an empty cloud.
     *
     * @param config the configuration
     * @throws IllegalArgumentException when the configuration is invalid
     */
    @Activate
    public MemoryCpiExtension(Config config) {
        this.name = config.name() == null ? "" : config.name().trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets a blank name.");
        }
        if (config.maxDiskSizeMib() < 1) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets maxDiskSizeMib to "
                    + config.maxDiskSizeMib() + "; it must be at least 1.");
        }
        if (config.maxVms() < 1) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets maxVms to "
                    + config.maxVms() + "; it must be at least 1.");
        }
        this.cloud = new MemoryCloud(config.maxDiskSizeMib(), config.maxVms());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String providerType() {
        return TYPE_JAVA;
    }

    @Override
    public List<ActionDefinition> listActions() {
        return ACTIONS;
    }

    @Override
    public Optional<ActionDefinition> actionDefinition(String action) {
        return BoshCpiAdapter.actionDefinition(action);
    }

    /**
     * The cloud's state, for tests in this package.
     *
     * @return the cloud
     */
    MemoryCloud cloud() {
        return cloud;
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        return BoshCpiAdapter.execute(cloud, name, action, params, context);
    }
}
