package io.cpihost.api.bosh;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * Runs the {@link BoshCpi#v2() BOSH CPI v2} actions of a {@link io.cpihost.api.CpiExtension}
 * on a {@link BoshCloud}: checks the action and the read-only flag, takes the typed parameters
 * out of the map, calls the cloud and wraps its answer, so that a provider writes only the
 * cloud.
 *
 * <p>The registry has checked names, types and the read-only flag already; the checks here
 * matter for callers that hold the service directly, and turn their mistakes into errors
 * rather than exceptions.
 */
public final class BoshCpiAdapter {

    private static final Map<String, ActionDefinition> V2_BY_NAME = BoshCpi.v2().stream()
            .collect(Collectors.toUnmodifiableMap(ActionDefinition::name, Function.identity()));

    private BoshCpiAdapter() {
    }

    /**
     * The BOSH CPI v2 action of a name, for {@link io.cpihost.api.CpiExtension#actionDefinition}.
     *
     * @param action the action name, possibly null
     * @return its definition, or empty when BOSH CPI v2 has no such action
     */
    public static Optional<ActionDefinition> actionDefinition(String action) {
        return Optional.ofNullable(action == null ? null : V2_BY_NAME.get(action));
    }

    /**
     * Executes a BOSH CPI v2 action on a cloud; never throws (but for a
     * {@link VirtualMachineError} other than a stack overflow).
     *
     * @param cloud the cloud
     * @param extensionName the extension's name, for messages
     * @param action the action name
     * @param params the parameters by name; null is an empty map
     * @param context the call's context; null is an empty one
     * @return the cloud's answer, or a {@link CpiError#NOT_IMPLEMENTED},
     *         {@link CpiError#READ_ONLY}, {@link CpiError#INVALID_PARAMETER} or
     *         {@link CpiError#INTERNAL} error, or the error of a {@link BoshCloudException}
     */
    public static ActionResult execute(BoshCloud cloud, String extensionName, String action,
            Map<String, Object> params, CallContext context) {
        ActionDefinition definition = action == null ? null : V2_BY_NAME.get(action);
        if (definition == null) {
            return ActionResult.failure(CpiError.NOT_IMPLEMENTED,
                    "Extension '" + extensionName + "' has no action '" + action + "'.");
        }
        if (context != null && context.readOnly() && !definition.readOnly()) {
            return ActionResult.failure(CpiError.READ_ONLY, "Action '" + action
                    + "' of extension '" + extensionName
                    + "' changes the cloud; a read-only call cannot run it.");
        }
        try {
            return ActionResult.success(dispatch(cloud, extensionName, action,
                    params == null ? Map.of() : params));
        } catch (BoshCloudException e) {
            return ActionResult.failure(e.error());
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw (VirtualMachineError) e;
            }
            // A bug of the provider, or absurdly nested parameters overflowing a copy: report it
            // as a result, because the contract is that execute never throws.
            return ActionResult.failure(CpiError.INTERNAL, "Action '" + action
                    + "' of extension '" + extensionName + "' failed unexpectedly: " + e + ".");
        }
    }

    private static Object dispatch(BoshCloud cloud, String extensionName, String action,
            Map<String, Object> params) {
        switch (action) {
            case "info":
                return cloud.info();
            case "create_stemcell":
                return cloud.createStemcell(string(params, "image_path"),
                        object(params, "cloud_properties"));
            case "delete_stemcell":
                cloud.deleteStemcell(string(params, "stemcell_cid"));
                return null;
            case "create_vm": {
                // networks first: with several bad parameters, the one reported stays the same.
                Map<String, Object> networks = object(params, "networks");
                return cloud.createVm(string(params, "agent_id"), string(params, "stemcell_cid"),
                        object(params, "cloud_properties"), networks,
                        stringList(params, "disk_cids"), optionalObject(params, "environment"));
            }
            case "delete_vm":
                cloud.deleteVm(string(params, "vm_cid"));
                return null;
            case "has_vm":
                return cloud.hasVm(string(params, "vm_cid"));
            case "reboot_vm":
                cloud.rebootVm(string(params, "vm_cid"));
                return null;
            case "set_vm_metadata":
                cloud.setVmMetadata(string(params, "vm_cid"), object(params, "metadata"));
                return null;
            case "calculate_vm_cloud_properties": {
                Map<String, Object> size = object(params, "desired_instance_size");
                return cloud.calculateVmCloudProperties(positiveField(size, "cpu"),
                        positiveField(size, "ram"), positiveField(size, "ephemeral_disk_size"));
            }
            case "create_disk":
                return cloud.createDisk(integer(params, "size"),
                        object(params, "cloud_properties"), optionalString(params, "vm_cid"));
            case "delete_disk":
                cloud.deleteDisk(string(params, "disk_cid"));
                return null;
            case "resize_disk":
                cloud.resizeDisk(string(params, "disk_cid"), integer(params, "new_size"));
                return null;
            case "update_disk":
                cloud.updateDisk(string(params, "disk_cid"), integer(params, "new_size"),
                        object(params, "cloud_properties"));
                return null;
            case "has_disk":
                return cloud.hasDisk(string(params, "disk_cid"));
            case "attach_disk":
                return cloud.attachDisk(string(params, "vm_cid"), string(params, "disk_cid"));
            case "detach_disk":
                cloud.detachDisk(string(params, "vm_cid"), string(params, "disk_cid"));
                return null;
            case "set_disk_metadata":
                cloud.setDiskMetadata(string(params, "disk_cid"), object(params, "metadata"));
                return null;
            case "get_disks":
                return cloud.getDisks(string(params, "vm_cid"));
            case "snapshot_disk":
                return cloud.snapshotDisk(string(params, "disk_cid"), object(params, "metadata"));
            case "delete_snapshot":
                cloud.deleteSnapshot(string(params, "snapshot_cid"));
                return null;
            case "create_network":
                return cloud.createNetwork(object(params, "network_definition"));
            case "delete_network":
                cloud.deleteNetwork(string(params, "network_cid"));
                return null;
            default:
                // Only reachable when BoshCpi.v2() gains an action this switch lacks.
                throw new BoshCloudException(CpiError.NOT_IMPLEMENTED, "Extension '"
                        + extensionName + "' declares action '" + action
                        + "' but does not implement it.");
        }
    }

    // ---------------------------------------------------------------- parameters

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

    private static BoshCloudException invalid(String message) {
        return new BoshCloudException(CpiError.INVALID_PARAMETER, message);
    }
}
