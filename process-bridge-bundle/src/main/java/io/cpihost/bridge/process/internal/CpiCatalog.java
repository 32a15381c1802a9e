package io.cpihost.bridge.process.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * The BOSH CPI methods as actions, each with BOSH's argument names in BOSH's positional order.
 * A method the executable does not implement is answered with {@code NotImplemented} by the
 * executable itself.
 */
final class CpiCatalog {

    /** Every action, in BOSH's documentation order. */
    static final List<ActionDefinition> ACTIONS = List.of(
            action("info", "Describes the CPI: its API version and the stemcell formats it accepts.")
                    .readOnly().build(),
            action("create_stemcell", "Uploads a stemcell image and returns its id.")
                    .required("image_path", Type.STRING, "Path of the stemcell image.")
                    .required("cloud_properties", Type.OBJECT, "The stemcell's cloud properties.")
                    .build(),
            action("delete_stemcell", "Deletes a stemcell.")
                    .required("stemcell_cid", Type.STRING, "Id of the stemcell.")
                    .build(),
            action("create_vm", "Creates a VM; API v2 returns its id and networks, v1 only its id.")
                    .required("agent_id", Type.STRING, "Id of the BOSH agent on the VM.")
                    .required("stemcell_cid", Type.STRING, "Id of the stemcell to boot.")
                    .required("cloud_properties", Type.OBJECT, "The VM's cloud properties.")
                    .required("networks", Type.OBJECT, "Network settings by network name.")
                    .optional("disk_cids", Type.ARRAY, "Ids of disks the VM will likely attach.")
                    .optional("environment", Type.OBJECT, "Settings passed to the agent.")
                    .build(),
            action("delete_vm", "Deletes a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .build(),
            action("has_vm", "Tells whether a VM exists.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .readOnly().build(),
            action("reboot_vm", "Reboots a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .build(),
            action("set_vm_metadata", "Sets a VM's metadata (tags).")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("metadata", Type.OBJECT, "The metadata, names to values.")
                    .build(),
            action("calculate_vm_cloud_properties", "Translates a desired instance size into cloud properties.")
                    .required("desired_instance_size", Type.OBJECT, "The size: cpu, ram, ephemeral_disk_size.")
                    .readOnly().build(),
            action("create_disk", "Creates a disk and returns its id.")
                    .required("size", Type.INTEGER, "Size in MiB.")
                    .required("cloud_properties", Type.OBJECT, "The disk's cloud properties.")
                    .optional("vm_cid", Type.STRING, "Id of the VM the disk will be attached to.")
                    .build(),
            action("delete_disk", "Deletes a disk.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            action("resize_disk", "Grows a disk.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("new_size", Type.INTEGER, "New size in MiB.")
                    .build(),
            action("update_disk", "Changes a disk's size or cloud properties.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("new_size", Type.INTEGER, "New size in MiB.")
                    .required("cloud_properties", Type.OBJECT, "The disk's new cloud properties.")
                    .build(),
            action("has_disk", "Tells whether a disk exists.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .readOnly().build(),
            action("attach_disk", "Attaches a disk to a VM; API v2 returns a disk hint.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            action("detach_disk", "Detaches a disk from a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .build(),
            action("set_disk_metadata", "Sets a disk's metadata (tags).")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("metadata", Type.OBJECT, "The metadata, names to values.")
                    .build(),
            action("get_disks", "Lists the ids of the disks attached to a VM.")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .readOnly().build(),
            action("snapshot_disk", "Takes a snapshot of a disk and returns its id.")
                    .required("disk_cid", Type.STRING, "Id of the disk.")
                    .required("metadata", Type.OBJECT, "The snapshot's metadata.")
                    .build(),
            action("delete_snapshot", "Deletes a snapshot.")
                    .required("snapshot_cid", Type.STRING, "Id of the snapshot.")
                    .build(),
            action("create_network", "Creates a network and returns its id and settings.")
                    .required("network_definition", Type.OBJECT, "The network's definition.")
                    .build(),
            action("delete_network", "Deletes a network.")
                    .required("network_cid", Type.STRING, "Id of the network.")
                    .build(),
            action("configure_networks", "Reconfigures a VM's networks (API v1 only).")
                    .required("vm_cid", Type.STRING, "Id of the VM.")
                    .required("networks", Type.OBJECT, "Network settings by network name.")
                    .build(),
            // Not marked read-only: the read-only list is BOSH's, and BOSH's is kept.
            action("current_vm_id", "Returns the id of the VM the CPI runs on (API v1 only).")
                    .build());

    private static final Map<String, ActionDefinition> BY_NAME = ACTIONS.stream()
            .collect(Collectors.toUnmodifiableMap(ActionDefinition::name, Function.identity()));

    private CpiCatalog() {
    }

    /** The action of that name, or null. */
    static ActionDefinition find(String name) {
        return BY_NAME.get(name);
    }

    private static ActionDefinition.Builder action(String name, String description) {
        return ActionDefinition.builder(name).description(description);
    }
}
