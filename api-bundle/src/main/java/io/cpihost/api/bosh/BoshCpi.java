package io.cpihost.api.bosh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * The BOSH CPI API methods (v2, plus the two v1-only ones) as {@link ActionDefinition}s.
 *
 * <p>Parameters carry BOSH's argument names in BOSH's positional order, so a bridge can map
 * named parameters to the positional {@code arguments} array. {@code info}, {@code has_vm},
 * {@code has_disk}, {@code get_disks} and {@code calculate_vm_cloud_properties} are read-only.
 */
public final class BoshCpi {

    private static final List<ActionDefinition> V2 = List.of(
            define("info", "Describes the CPI: its API version and the stemcell formats it accepts.")
                    .readOnly().build(),
            define("create_stemcell", "Uploads a stemcell image and returns its id.")
                    .required("image_path", Type.STRING, "Path of the stemcell image.")
                    .required("cloud_properties", Type.OBJECT, "The stemcell's cloud properties.")
                    .build(),
            define("delete_stemcell", "Deletes a stemcell.")
                    .required("stemcell_cid", Type.STRING, "Id of the stemcell.")
                    .build(),
            define("create_vm", "Creates a VM from a stemcell; API v2 returns its id and networks, v1 only its id.")
                    .required("agent_id", Type.STRING, "Id of the BOSH agent on the VM.")
                    .required("stemcell_cid", Type.STRING, "Id of the stemcell to boot.")
                    .required("cloud_properties", Type.OBJECT, "The VM's cloud properties.")
                    .required("networks", Type.OBJECT, "Network settings by network name.")
                    .optional("disk_cids", Type.ARRAY, "Ids of disks the VM will likely attach.")
                    .optional("environment", Type.OBJECT, "Settings passed to the agent.")
                    .build(),
            define("delete_vm", "Deletes a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .build(),
            define("has_vm", "Tells whether a VM exists.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .readOnly().build(),
            define("reboot_vm", "Reboots a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .build(),
            define("set_vm_metadata", "Sets a VM's metadata (tags).")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("metadata", Type.OBJECT, "Metadata keys and values.")
                    .build(),
            define("calculate_vm_cloud_properties", "Translates a desired instance size into cloud properties.")
                    .required("desired_instance_size", Type.OBJECT,
                            "The size: cpu (count), ram and ephemeral_disk_size (MiB).")
                    .readOnly().build(),
            define("create_disk", "Creates a persistent disk and returns its id.")
                    .required("size", Type.INTEGER, "Size in MiB.")
                    .required("cloud_properties", Type.OBJECT, "The disk's cloud properties.")
                    .optional("vm_cid", Type.STRING, "Id of a VM to place the disk near.")
                    .build(),
            define("delete_disk", "Deletes a disk.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            define("resize_disk", "Grows a disk.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("new_size", Type.INTEGER, "New size in MiB.")
                    .build(),
            define("update_disk", "Changes a disk's size and cloud properties.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("new_size", Type.INTEGER, "New size in MiB.")
                    .required("cloud_properties", Type.OBJECT, "The disk's new cloud properties.")
                    .build(),
            define("has_disk", "Tells whether a disk exists.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .readOnly().build(),
            define("attach_disk", "Attaches a disk to a VM; API v2 returns a disk hint.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            define("detach_disk", "Detaches a disk from a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            define("set_disk_metadata", "Sets a disk's metadata (tags).")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("metadata", Type.OBJECT, "Metadata keys and values.")
                    .build(),
            define("get_disks", "Lists the ids of the disks attached to a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .readOnly().build(),
            define("snapshot_disk", "Takes a snapshot of a disk and returns its id.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("metadata", Type.OBJECT, "Metadata of the snapshot.")
                    .build(),
            define("delete_snapshot", "Deletes a snapshot.")
                    .required("snapshot_cid", Type.STRING, "Id of the snapshot.")
                    .build(),
            define("create_network", "Creates a network and returns its id and settings.")
                    .required("network_definition", Type.OBJECT, "The network's definition.")
                    .build(),
            define("delete_network", "Deletes a network.")
                    .required("network_cid", Type.STRING, "Id of the network.")
                    .build());

    private static final List<ActionDefinition> V1_ONLY = List.of(
            define("configure_networks", "Reconfigures a VM's networks (API v1 only).")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("networks", Type.OBJECT, "Network settings by network name.")
                    .build(),
            define("current_vm_id", "Returns the id of the VM the CPI runs on (API v1 only).")
                    .build());

    private static final Map<String, ActionDefinition> BY_NAME = new LinkedHashMap<>();

    static {
        for (ActionDefinition definition : V2) {
            BY_NAME.put(definition.name(), definition);
        }
        for (ActionDefinition definition : V1_ONLY) {
            BY_NAME.put(definition.name(), definition);
        }
    }

    private BoshCpi() {
    }

    private static ActionDefinition.Builder define(String name, String description) {
        return ActionDefinition.builder(name).description(description);
    }

    /**
     * The BOSH CPI API v2 methods, in BOSH's documentation order.
     *
     * @return an immutable list
     */
    public static List<ActionDefinition> v2() {
        return V2;
    }

    /**
     * The methods that exist only in API v1 ({@code configure_networks}, {@code current_vm_id}).
     *
     * @return an immutable list
     */
    public static List<ActionDefinition> v1Only() {
        return V1_ONLY;
    }

    /**
     * Every method, v2 then v1-only.
     *
     * @return an immutable list
     */
    public static List<ActionDefinition> all() {
        return List.copyOf(BY_NAME.values());
    }

    /**
     * One method by name.
     *
     * @param name the BOSH method name, such as {@code create_vm}
     * @return its definition, or empty when BOSH has no such method
     */
    public static Optional<ActionDefinition> action(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
