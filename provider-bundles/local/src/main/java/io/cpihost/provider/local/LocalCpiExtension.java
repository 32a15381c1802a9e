package io.cpihost.provider.local;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

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
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition.Type;
import io.cpihost.api.bosh.BoshCpi;

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

    /** The only stemcell format the local cloud takes: a file it copies. */
    static final String STEMCELL_FORMAT = "local-raw";

    private static final Map<String, Object> INFO =
            Map.of("api_version", 2, "stemcell_formats", List.of(STEMCELL_FORMAT));

    /** The actions in BOSH's order, each with its parameters in BOSH's positional order. */
    static final List<ActionDefinition> ACTIONS = BoshCpi.v2();

    private static final Map<String, ActionDefinition> ACTIONS_BY_NAME = ACTIONS.stream()
            .collect(Collectors.toUnmodifiableMap(ActionDefinition::name, Function.identity()));

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
        return Optional.ofNullable(action == null ? null : ACTIONS_BY_NAME.get(action));
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
        ActionDefinition definition = action == null ? null : ACTIONS_BY_NAME.get(action);
        if (definition == null) {
            return ActionResult.failure(CpiError.NOT_IMPLEMENTED,
                    "Extension '" + name + "' has no action '" + action + "'.");
        }
        // The registry checks this already; repeated for callers holding the service directly.
        if (context != null && context.readOnly() && !definition.readOnly()) {
            return ActionResult.failure(CpiError.READ_ONLY, "Action '" + action + "' of extension '"
                    + name + "' changes the cloud; a read-only call cannot run it.");
        }
        try {
            return ActionResult.success(dispatch(action, params == null ? Map.of() : params));
        } catch (CloudException e) {
            return ActionResult.failure(e.error());
        } catch (RuntimeException | StackOverflowError e) {
            return ActionResult.failure(CpiError.INTERNAL, "Action '" + action + "' of extension '"
                    + name + "' failed unexpectedly: " + e + ".");
        }
    }

    private Object dispatch(String action, Map<String, Object> params) {
        return switch (action) {
            case "info" -> INFO;
            case "create_stemcell" -> createStemcell(params);
            case "delete_stemcell" -> deleteStemcell(params);
            case "create_vm" -> createVm(params);
            case "delete_vm" -> deleteVm(params);
            case "has_vm" -> hasVm(params);
            case "reboot_vm" -> rebootVm(params);
            case "set_vm_metadata" -> setVmMetadata(params);
            case "calculate_vm_cloud_properties" -> calculateVmCloudProperties(params);
            case "create_disk" -> createDisk(params);
            case "delete_disk" -> deleteDisk(params);
            case "resize_disk" -> resizeDisk(params);
            case "update_disk" -> updateDisk(params);
            case "has_disk" -> hasDisk(params);
            case "attach_disk" -> attachDisk(params);
            case "detach_disk" -> detachDisk(params);
            case "set_disk_metadata" -> setDiskMetadata(params);
            case "get_disks" -> getDisks(params);
            case "snapshot_disk" -> snapshotDisk(params);
            case "delete_snapshot" -> deleteSnapshot(params);
            case "create_network" -> createNetwork(params);
            case "delete_network" -> deleteNetwork(params);
            // Only reachable when ACTIONS gains an action this switch lacks.
            default -> throw new CloudException(CpiError.NOT_IMPLEMENTED, "Extension '" + name
                    + "' declares action '" + action + "' but does not implement it.");
        };
    }

    // ---------------------------------------------------------------- actions

    private Object createStemcell(Map<String, Object> params) {
        return cloud.createStemcell(string(params, "image_path"),
                object(params, "cloud_properties"));
    }

    private Object deleteStemcell(Map<String, Object> params) {
        cloud.deleteStemcell(string(params, "stemcell_cid"));
        return null;
    }

    private Object createVm(Map<String, Object> params) {
        Map<String, Object> networks = object(params, "networks");
        String vmCid = cloud.createVm(string(params, "agent_id"), string(params, "stemcell_cid"),
                object(params, "cloud_properties"), networks, stringList(params, "disk_cids"),
                optionalObject(params, "environment"));
        // BOSH v2: the CPI answers with the network settings it applied; here, those asked for.
        return List.of(vmCid, networks);
    }

    private Object deleteVm(Map<String, Object> params) {
        cloud.deleteVm(string(params, "vm_cid"));
        return null;
    }

    private Object hasVm(Map<String, Object> params) {
        return cloud.hasVm(string(params, "vm_cid"));
    }

    private Object rebootVm(Map<String, Object> params) {
        cloud.rebootVm(string(params, "vm_cid"));
        return null;
    }

    private Object setVmMetadata(Map<String, Object> params) {
        cloud.setVmMetadata(string(params, "vm_cid"), object(params, "metadata"));
        return null;
    }

    private Object calculateVmCloudProperties(Map<String, Object> params) {
        Map<String, Object> size = object(params, "desired_instance_size");
        long cpu = positiveField(size, "cpu");
        long ram = positiveField(size, "ram");
        long ephemeralDisk = positiveField(size, "ephemeral_disk_size");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("instance_type", "local." + cpu + "cpu." + ram + "mib");
        properties.put("cpu", cpu);
        properties.put("ram", ram);
        properties.put("ephemeral_disk_size", ephemeralDisk);
        return properties;
    }

    private Object createDisk(Map<String, Object> params) {
        return cloud.createDisk(integer(params, "size"), object(params, "cloud_properties"),
                optionalString(params, "vm_cid"));
    }

    private Object deleteDisk(Map<String, Object> params) {
        cloud.deleteDisk(string(params, "disk_cid"));
        return null;
    }

    private Object resizeDisk(Map<String, Object> params) {
        cloud.resizeDisk(string(params, "disk_cid"), integer(params, "new_size"), null);
        return null;
    }

    private Object updateDisk(Map<String, Object> params) {
        cloud.resizeDisk(string(params, "disk_cid"), integer(params, "new_size"),
                object(params, "cloud_properties"));
        return null;
    }

    private Object hasDisk(Map<String, Object> params) {
        return cloud.hasDisk(string(params, "disk_cid"));
    }

    private Object attachDisk(Map<String, Object> params) {
        return cloud.attachDisk(string(params, "vm_cid"), string(params, "disk_cid"));
    }

    private Object detachDisk(Map<String, Object> params) {
        cloud.detachDisk(string(params, "vm_cid"), string(params, "disk_cid"));
        return null;
    }

    private Object setDiskMetadata(Map<String, Object> params) {
        cloud.setDiskMetadata(string(params, "disk_cid"), object(params, "metadata"));
        return null;
    }

    private Object getDisks(Map<String, Object> params) {
        return cloud.getDisks(string(params, "vm_cid"));
    }

    private Object snapshotDisk(Map<String, Object> params) {
        return cloud.snapshotDisk(string(params, "disk_cid"), object(params, "metadata"));
    }

    private Object deleteSnapshot(Map<String, Object> params) {
        cloud.deleteSnapshot(string(params, "snapshot_cid"));
        return null;
    }

    private Object createNetwork(Map<String, Object> params) {
        return List.of(cloud.createNetwork(object(params, "network_definition")), Map.of());
    }

    private Object deleteNetwork(Map<String, Object> params) {
        cloud.deleteNetwork(string(params, "network_cid"));
        return null;
    }

    // ---------------------------------------------------------------- parameters
    // The registry has checked names and types against ACTIONS; these checks only matter for
    // callers that hold the service directly, and turn their mistakes into errors, not exceptions.


    private static Object value(Map<String, Object> params, String parameter, Type type,
            boolean required) {
        Object value = params.get(parameter);
        if (value == null) {
            if (required) {
                throw invalid("Parameter '" + parameter + "' is missing; it must be "
                        + type.phrase() + ".");
            }
            return null;
        }
        if (!type.matches(value)) {
            throw invalid("Parameter '" + parameter + "' must be " + type.phrase() + ", not "
                    + Type.describe(value) + ".");
        }
        return value;
    }

    private static String string(Map<String, Object> params, String parameter) {
        return (String) value(params, parameter, Type.STRING, true);
    }

    private static String optionalString(Map<String, Object> params, String parameter) {
        return (String) value(params, parameter, Type.STRING, false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> params, String parameter) {
        return (Map<String, Object>) value(params, parameter, Type.OBJECT, true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalObject(Map<String, Object> params,
            String parameter) {
        return (Map<String, Object>) value(params, parameter, Type.OBJECT, false);
    }

    /** An optional array of strings; absent or null is an empty list. */
    private static List<String> stringList(Map<String, Object> params, String parameter) {
        List<?> list = (List<?>) value(params, parameter, Type.ARRAY, false);
        List<String> strings = new ArrayList<>();
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String)) {
                    throw invalid("Element " + i + " of parameter '" + parameter
                            + "' must be a string, not " + Type.describe(list.get(i)) + ".");
                }
                strings.add((String) list.get(i));
            }
        }
        return strings;
    }

    private static long integer(Map<String, Object> params, String parameter) {
        Object value = value(params, parameter, Type.INTEGER, true);
        return toLong("Parameter '" + parameter + "'", value);
    }

    /** A field of desired_instance_size that must be a positive integer. */
    private static long positiveField(Map<String, Object> size, String field) {
        String subject = "Field '" + field + "' of parameter 'desired_instance_size'";
        Object value = size.get(field);
        if (value == null) {
            throw invalid(subject + " is missing; it must be a positive integer.");
        }
        if (!Type.INTEGER.matches(value)) {
            throw invalid(subject + " must be a positive integer, not " + Type.describe(value)
                    + ".");
        }
        long number = toLong(subject, value);
        if (number < 1) {
            throw invalid(subject + " must be a positive integer, not " + number + ".");
        }
        return number;
    }

    /**
     * An integral value as a long. JSON parsers hand out Integer, Long, BigInteger, and
     * sometimes integral Double or BigDecimal; a plain longValue() would silently wrap the
     * large ones into small (possibly valid) sizes.
     */
    private static long toLong(String subject, Object value) {
        BigInteger big;
        if (value instanceof BigInteger) {
            big = (BigInteger) value;
        } else if (value instanceof BigDecimal) {
            big = ((BigDecimal) value).toBigInteger();
        } else if (value instanceof Double || value instanceof Float) {
            big = new BigDecimal(((Number) value).doubleValue()).toBigInteger();
        } else {
            return ((Number) value).longValue();
        }
        if (big.bitLength() > 63) {
            throw invalid(subject + " is " + big + ", beyond the range of a 64-bit integer.");
        }
        return big.longValue();
    }

    private static CloudException invalid(String message) {
        return new CloudException(CpiError.INVALID_PARAMETER, message);
    }
}
