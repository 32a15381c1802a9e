package io.cpihost.provider.local;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
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
 * A cloud of real resources on this host, with the BOSH CPI v2 action set of the memory
 * provider: VMs are supervised OS processes, disks sparse files, stemcells imported image
 * files, snapshots copies of disk files; all under one store directory.
 *
 * <p>State is persisted atomically and survives restarts and crashes of the platform: a new
 * instance on the same store reloads it and re-adopts the VM processes still running. The VM
 * processes are not ended when the component stops (a real cloud's VMs do not stop with its
 * CPI); {@code delete_vm} ends them.
 */
@Component(
        service = CpiExtension.class,
        configurationPid = LocalCpiExtension.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LocalCpiExtension.Config.class, factory = true)
public final class LocalCpiExtension implements CpiExtension {

    /** The configuration PID, also usable as a factory PID for several clouds. */
    public static final String PID = "io.cpihost.provider.local";
    /** The extension name without configuration. */
    public static final String DEFAULT_NAME = "local";

    /** The actions in BOSH's order, each with its parameters in BOSH's positional order. */
    static final List<ActionDefinition> ACTIONS = BoshCpi.v2();

    private final String name;
    private final LocalCloud cloud;

    /** The component's configuration. */
    @ObjectClassDefinition(
            name = "CPI Host local provider",
            description = "A cloud of real resources on this host: VMs are processes, disks"
                    + " sparse files, all under one store directory.")
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
         * Where everything lives.
         *
         * @return an absolute directory path
         */
        @AttributeDefinition(name = "Store directory",
                description = "Absolute path of the directory holding all state and data; created"
                        + " if missing. One provider instance per directory.")
        String storeDirectory() default "";

        /**
         * The largest disk.
         *
         * @return the size in MiB
         */
        @AttributeDefinition(name = "Largest disk (MiB)",
                description = "create_disk, resize_disk and update_disk refuse larger sizes.",
                min = "1")
        long maxDiskSizeMib() default 10_240;

        /**
         * How many VMs may exist at once.
         *
         * @return the limit
         */
        @AttributeDefinition(name = "VM limit",
                description = "create_vm fails once this many VMs exist.", min = "1")
        int maxVms() default 16;

        /**
         * The largest stemcell image.
         *
         * @return the size in MiB
         */
        @AttributeDefinition(name = "Largest stemcell image (MiB)",
                description = "create_stemcell refuses larger image files.", min = "1")
        long maxStemcellSizeMib() default 4_096;

        /**
         * The command a VM runs.
         *
         * @return the command and its arguments, run without a shell
         */
        @AttributeDefinition(name = "VM command",
                description = "The command and arguments each VM process runs (no shell), unless"
                        + " cloud_properties.command is allowed and given.")
        String[] vmCommand() default {"sleep", "2147483647"};

        /**
         * Whether callers may choose a VM's command.
         *
         * @return true to honour cloud_properties.command
         */
        @AttributeDefinition(name = "Allow cloud_properties.command",
                description = "Lets callers choose the command of a VM through"
                        + " cloud_properties.command: they can then run anything as this"
                        + " platform's user.")
        boolean allowCommandFromCloudProperties() default false;

        /**
         * How long a VM's processes get between SIGTERM and SIGKILL.
         *
         * @return milliseconds
         */
        @AttributeDefinition(name = "Stop grace (ms)",
                description = "delete_vm and reboot_vm send SIGTERM, then SIGKILL after this long.",
                min = "0")
        long stopGraceMillis() default 2_000;
    }

    /**
     * Opens the store, reloads its state and re-adopts running VM processes.
     *
     * @param config the configuration
     * @throws IllegalArgumentException when the configuration is invalid or the store unusable
     * @throws IllegalStateException when the store holds a damaged record
     */
    @Activate
    public LocalCpiExtension(Config config) {
        this.name = config.name() == null ? "" : config.name().trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets a blank name.");
        }
        String directory = config.storeDirectory() == null ? "" : config.storeDirectory().trim();
        if (directory.isEmpty()) {
            throw new IllegalArgumentException("Configuration '" + PID + "' of extension '" + name
                    + "' needs storeDirectory, the absolute path of the store.");
        }
        Path store;
        try {
            store = Path.of(directory);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets storeDirectory to '"
                    + directory + "', which is not a valid path: " + e.getMessage() + ".", e);
        }
        if (!store.isAbsolute()) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets storeDirectory to '"
                    + directory + "'; it must be an absolute path.");
        }
        if (config.maxDiskSizeMib() < 1 || config.maxDiskSizeMib() > Long.MAX_VALUE >> 20) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets maxDiskSizeMib to "
                    + config.maxDiskSizeMib() + "; it must be between 1 and " + (Long.MAX_VALUE >> 20)
                    + ".");
        }
        if (config.maxStemcellSizeMib() < 1 || config.maxStemcellSizeMib() > Long.MAX_VALUE >> 20) {
            throw new IllegalArgumentException("Configuration '" + PID
                    + "' sets maxStemcellSizeMib to " + config.maxStemcellSizeMib()
                    + "; it must be between 1 and " + (Long.MAX_VALUE >> 20) + ".");
        }
        if (config.maxVms() < 1) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets maxVms to "
                    + config.maxVms() + "; it must be at least 1.");
        }
        if (config.stopGraceMillis() < 0) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets stopGraceMillis to "
                    + config.stopGraceMillis() + "; it must not be negative.");
        }
        String[] command = config.vmCommand();
        if (command == null || command.length == 0 || command[0] == null
                || command[0].isBlank()) {
            throw new IllegalArgumentException("Configuration '" + PID
                    + "' sets an empty vmCommand; it needs at least the program to run.");
        }
        this.cloud = new LocalCloud(store, new LocalCloud.Settings(config.maxDiskSizeMib(),
                config.maxVms(), config.maxStemcellSizeMib(), List.of(command),
                config.allowCommandFromCloudProperties(),
                Duration.ofMillis(config.stopGraceMillis())));
    }

    /**
     * Stops supervising and releases the store; VM processes keep running for the next
     * instance to re-adopt.
     */
    @Deactivate
    public void deactivate() {
        cloud.close();
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
     * The cloud, for tests in this package.
     *
     * @return the cloud
     */
    LocalCloud cloud() {
        return cloud;
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        return BoshCpiAdapter.execute(cloud, name, action, params, context);
    }
}
