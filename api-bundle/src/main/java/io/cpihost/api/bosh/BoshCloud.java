package io.cpihost.api.bosh;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cloud behind the BOSH CPI v2 methods, one typed Java method per BOSH method; a provider
 * implements it and lets {@link BoshCpiAdapter} turn calls by name into calls of these methods.
 *
 * <p>Parameters carry BOSH's argument names; ids are strings, objects JSON-compatible maps,
 * sizes MiB. The adapter has checked every parameter's type and presence, so only the optional
 * ones ({@code environment}, the {@code vm_cid} of {@code create_disk}) may be null. Results are
 * JSON-compatible values. Implementations must be thread-safe, and signal refusals and failures
 * by throwing {@link BoshCloudException}.
 */
@ConsumerType
public interface BoshCloud {

    /**
     * Describes the cloud.
     *
     * @return {@code api_version} and {@code stemcell_formats}
     * @throws BoshCloudException when the cloud cannot answer
     */
    Map<String, Object> info();

    /**
     * Imports a stemcell image.
     *
     * @param imagePath the path of the image
     * @param cloudProperties the stemcell's cloud properties
     * @return the stemcell id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    String createStemcell(String imagePath, Map<String, Object> cloudProperties);

    /**
     * Deletes a stemcell.
     *
     * @param stemcellCid the stemcell id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void deleteStemcell(String stemcellCid);

    /**
     * Creates a VM.
     *
     * @param agentId the id of the BOSH agent on the VM
     * @param stemcellCid the stemcell to boot
     * @param cloudProperties the VM's cloud properties
     * @param networks the network settings by network name
     * @param diskCids the disks the VM will likely attach; empty when not given
     * @param environment the settings for the agent, or null
     * @return BOSH v2's answer: the VM id and the network settings applied
     * @throws BoshCloudException when the cloud refuses or fails
     */
    List<Object> createVm(String agentId, String stemcellCid, Map<String, Object> cloudProperties,
            Map<String, Object> networks, List<String> diskCids, Map<String, Object> environment);

    /**
     * Deletes a VM.
     *
     * @param vmCid the VM id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void deleteVm(String vmCid);

    /**
     * Tells whether a VM exists.
     *
     * @param vmCid the VM id
     * @return true when it exists
     * @throws BoshCloudException when the cloud cannot answer
     */
    boolean hasVm(String vmCid);

    /**
     * Reboots a VM.
     *
     * @param vmCid the VM id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void rebootVm(String vmCid);

    /**
     * Sets a VM's metadata.
     *
     * @param vmCid the VM id
     * @param metadata the keys and values
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void setVmMetadata(String vmCid, Map<String, Object> metadata);

    /**
     * Translates a desired instance size, the fields of BOSH's {@code desired_instance_size},
     * into cloud properties.
     *
     * @param cpu the number of CPUs, at least 1
     * @param ram the memory in MiB, at least 1
     * @param ephemeralDiskSize the ephemeral disk in MiB, at least 1
     * @return the cloud properties
     * @throws BoshCloudException when the cloud cannot answer
     */
    Map<String, Object> calculateVmCloudProperties(long cpu, long ram, long ephemeralDiskSize);

    /**
     * Creates a persistent disk.
     *
     * @param size the size in MiB
     * @param cloudProperties the disk's cloud properties
     * @param vmCid a VM to place the disk near, or null
     * @return the disk id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    String createDisk(long size, Map<String, Object> cloudProperties, String vmCid);

    /**
     * Deletes a disk.
     *
     * @param diskCid the disk id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void deleteDisk(String diskCid);

    /**
     * Grows a disk.
     *
     * @param diskCid the disk id
     * @param newSize the new size in MiB
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void resizeDisk(String diskCid, long newSize);

    /**
     * Changes a disk's size and cloud properties.
     *
     * @param diskCid the disk id
     * @param newSize the new size in MiB
     * @param cloudProperties the disk's new cloud properties
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void updateDisk(String diskCid, long newSize, Map<String, Object> cloudProperties);

    /**
     * Tells whether a disk exists.
     *
     * @param diskCid the disk id
     * @return true when it exists
     * @throws BoshCloudException when the cloud cannot answer
     */
    boolean hasDisk(String diskCid);

    /**
     * Attaches a disk to a VM.
     *
     * @param vmCid the VM id
     * @param diskCid the disk id
     * @return BOSH v2's disk hint, such as a device path
     * @throws BoshCloudException when the cloud refuses or fails
     */
    Object attachDisk(String vmCid, String diskCid);

    /**
     * Detaches a disk from a VM.
     *
     * @param vmCid the VM id
     * @param diskCid the disk id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void detachDisk(String vmCid, String diskCid);

    /**
     * Sets a disk's metadata.
     *
     * @param diskCid the disk id
     * @param metadata the keys and values
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void setDiskMetadata(String diskCid, Map<String, Object> metadata);

    /**
     * Lists the disks attached to a VM.
     *
     * @param vmCid the VM id
     * @return the disk ids
     * @throws BoshCloudException when the cloud refuses or fails
     */
    List<String> getDisks(String vmCid);

    /**
     * Takes a snapshot of a disk.
     *
     * @param diskCid the disk id
     * @param metadata the snapshot's metadata
     * @return the snapshot id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    String snapshotDisk(String diskCid, Map<String, Object> metadata);

    /**
     * Deletes a snapshot.
     *
     * @param snapshotCid the snapshot id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void deleteSnapshot(String snapshotCid);

    /**
     * Creates a network.
     *
     * @param networkDefinition the network's definition
     * @return BOSH's answer: the network id and its settings
     * @throws BoshCloudException when the cloud refuses or fails
     */
    List<Object> createNetwork(Map<String, Object> networkDefinition);

    /**
     * Deletes a network.
     *
     * @param networkCid the network id
     * @throws BoshCloudException when the cloud refuses or fails
     */
    void deleteNetwork(String networkCid);
}
