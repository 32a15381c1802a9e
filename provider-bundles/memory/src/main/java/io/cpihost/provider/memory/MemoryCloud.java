package io.cpihost.provider.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.cpihost.api.CpiError;
import io.cpihost.api.bosh.BoshCloud;
import io.cpihost.api.bosh.BoshCloudException;

/**
 * The state of the in-memory cloud: stemcells, VMs, disks, snapshots and networks, with the
 * rules a real IaaS enforces (a disk is attached to at most one VM, an attached disk cannot be
 * deleted, disks only grow ...).
 *
 * <p>Thread-safe. Every change happens under one lock, so rules that span several resources
 * hold at every moment; the resource maps are concurrent so that existence checks
 * ({@code has_vm}, {@code has_disk}) read without taking the lock. Refusals are thrown as
 * {@link BoshCloudException}s whose message names the resource.
 */
final class MemoryCloud implements BoshCloud {

    /** BOSH's error type for an unknown VM. */
    static final String VM_NOT_FOUND = "Bosh::Clouds::VMNotFound";
    /** BOSH's error type for an unknown disk. */
    static final String DISK_NOT_FOUND = "Bosh::Clouds::DiskNotFound";
    /** BOSH's error type for a VM that could not be created. */
    static final String VM_CREATION_FAILED = "Bosh::Clouds::VMCreationFailed";
    /** BOSH's error type for detaching a disk that is not attached to the VM. */
    static final String DISK_NOT_ATTACHED = "Bosh::Clouds::DiskNotAttached";

    /** The only stemcell format the memory cloud accepts. */
    static final String STEMCELL_FORMAT = "memory-raw";

    private static final Map<String, Object> INFO =
            Map.of("api_version", 2, "stemcell_formats", List.of(STEMCELL_FORMAT));

    private final long maxDiskSizeMib;
    private final int maxVms;

    private final Object lock = new Object();
    private final Map<String, Stemcell> stemcells = new ConcurrentHashMap<>();
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final Map<String, Disk> disks = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> networks = new ConcurrentHashMap<>();

    /**
     * An empty cloud.
     *
     * @param maxDiskSizeMib the largest disk, in MiB
     * @param maxVms how many VMs may exist at once
     * @throws IllegalArgumentException when a limit is below 1
     */
    MemoryCloud(long maxDiskSizeMib, int maxVms) {
        if (maxDiskSizeMib < 1) {
            throw new IllegalArgumentException(
                    "The largest disk size must be at least 1 MiB, not " + maxDiskSizeMib + ".");
        }
        if (maxVms < 1) {
            throw new IllegalArgumentException(
                    "The VM limit must be at least 1, not " + maxVms + ".");
        }
        this.maxDiskSizeMib = maxDiskSizeMib;
        this.maxVms = maxVms;
    }

    @Override
    public Map<String, Object> info() {
        return INFO;
    }

    // ---------------------------------------------------------------- stemcells

    @Override
    public String createStemcell(String imagePath, Map<String, Object> cloudProperties) {
        Stemcell stemcell = new Stemcell(newCid("stemcell"), imagePath, freeze(cloudProperties));
        synchronized (lock) {
            stemcells.put(stemcell.cid(), stemcell);
        }
        return stemcell.cid();
    }

    @Override
    public void deleteStemcell(String stemcellCid) {
        synchronized (lock) {
            if (stemcells.remove(stemcellCid) == null) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Stemcell '" + stemcellCid + "' does not exist.");
            }
        }
    }

    // ---------------------------------------------------------------- VMs

    @Override
    public List<Object> createVm(String agentId, String stemcellCid,
            Map<String, Object> cloudProperties, Map<String, Object> vmNetworks,
            List<String> diskCids, Map<String, Object> environment) {
        synchronized (lock) {
            if (!stemcells.containsKey(stemcellCid)) {
                throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for agent '"
                        + agentId + "': stemcell '" + stemcellCid + "' does not exist.");
            }
            for (String diskCid : diskCids) {
                if (!disks.containsKey(diskCid)) {
                    throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for"
                            + " agent '" + agentId + "': disk '" + diskCid
                            + "' in disk_cids does not exist.");
                }
            }
            if (vms.size() >= maxVms) {
                throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for agent '"
                        + agentId + "': the cloud already holds " + vms.size()
                        + " VMs, its limit (maxVms).");
            }
            String cid = newCid("vm");
            Vm vm = new Vm(cid, agentId, stemcellCid, freeze(cloudProperties), freeze(vmNetworks),
                    List.copyOf(diskCids), freeze(environment));
            vms.put(cid, vm);
            // BOSH v2: the CPI answers with the network settings it applied; here, those asked
            // for (the frozen copy, so that callers cannot change the stored ones through it).
            return List.of(cid, vm.networks);
        }
    }

    @Override
    public void deleteVm(String vmCid) {
        synchronized (lock) {
            Vm vm = vms.remove(vmCid);
            if (vm == null) {
                throw vmNotFound(vmCid);
            }
            // A real IaaS detaches volumes when their instance goes away; the disks survive.
            for (String diskCid : vm.attached.keySet()) {
                disks.get(diskCid).attachedTo = null;
            }
        }
    }

    @Override
    public boolean hasVm(String vmCid) {
        return vms.containsKey(vmCid);
    }

    @Override
    public void rebootVm(String vmCid) {
        synchronized (lock) {
            existingVm(vmCid).reboots++;
        }
    }

    @Override
    public void setVmMetadata(String vmCid, Map<String, Object> metadata) {
        synchronized (lock) {
            // Merged like cloud tags: later keys win, earlier keys stay.
            existingVm(vmCid).metadata.putAll(freeze(metadata));
        }
    }

    /**
     * A copy of one VM's state, for tests and diagnostics.
     *
     * @param vmCid the VM id
     * @return the state, or empty when there is no such VM
     */
    Optional<VmState> vm(String vmCid) {
        synchronized (lock) {
            Vm vm = vms.get(vmCid);
            return vm == null ? Optional.empty() : Optional.of(vm.state());
        }
    }

    @Override
    public Map<String, Object> calculateVmCloudProperties(long cpu, long ram,
            long ephemeralDiskSize) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("instance_type", "memory." + cpu + "cpu." + ram + "mib");
        properties.put("cpu", cpu);
        properties.put("ram", ram);
        properties.put("ephemeral_disk_size", ephemeralDiskSize);
        return properties;
    }

    // ---------------------------------------------------------------- disks

    @Override
    public String createDisk(long sizeMib, Map<String, Object> cloudProperties, String vmCid) {
        checkSize("Disk size " + sizeMib + " MiB", "size", sizeMib);
        synchronized (lock) {
            if (vmCid != null && !vms.containsKey(vmCid)) {
                throw new BoshCloudException(VM_NOT_FOUND, "Cannot create a disk near VM '" + vmCid
                        + "': VM '" + vmCid + "' does not exist.");
            }
            String cid = newCid("disk");
            disks.put(cid, new Disk(cid, sizeMib, freeze(cloudProperties), vmCid));
            return cid;
        }
    }

    @Override
    public void deleteDisk(String diskCid) {
        synchronized (lock) {
            Disk disk = existingDisk(diskCid);
            if (disk.attachedTo != null) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Disk '" + diskCid
                        + "' is attached to VM '" + disk.attachedTo + "'; detach it first.");
            }
            disks.remove(diskCid);
        }
    }

    @Override
    public boolean hasDisk(String diskCid) {
        return disks.containsKey(diskCid);
    }

    @Override
    public void resizeDisk(String diskCid, long newSizeMib) {
        synchronized (lock) {
            Disk disk = existingDisk(diskCid);
            disk.sizeMib = checkNewSize(disk, newSizeMib);
        }
    }

    @Override
    public void updateDisk(String diskCid, long newSizeMib, Map<String, Object> cloudProperties) {
        synchronized (lock) {
            Disk disk = existingDisk(diskCid);
            disk.sizeMib = checkNewSize(disk, newSizeMib);
            disk.cloudProperties = freeze(cloudProperties);
        }
    }

    @Override
    public String attachDisk(String vmCid, String diskCid) {
        synchronized (lock) {
            Vm vm = existingVm(vmCid);
            Disk disk = existingDisk(diskCid);
            if (vmCid.equals(disk.attachedTo)) {
                // Attaching twice is what a retrying director does: answer as the first time.
                return vm.attached.get(diskCid);
            }
            if (disk.attachedTo != null) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot attach disk '" + diskCid
                        + "' to VM '" + vmCid + "': it is attached to VM '" + disk.attachedTo
                        + "'; detach it first.");
            }
            String device = vm.freeDevice();
            vm.attached.put(diskCid, device);
            disk.attachedTo = vmCid;
            return device;
        }
    }

    @Override
    public void detachDisk(String vmCid, String diskCid) {
        synchronized (lock) {
            Vm vm = existingVm(vmCid);
            Disk disk = existingDisk(diskCid);
            if (!vmCid.equals(disk.attachedTo)) {
                throw new BoshCloudException(DISK_NOT_ATTACHED, "Disk '" + diskCid
                        + "' is not attached to VM '" + vmCid + "'"
                        + (disk.attachedTo == null ? "." : "; it is attached to VM '"
                                + disk.attachedTo + "'."));
            }
            vm.attached.remove(diskCid);
            disk.attachedTo = null;
        }
    }

    @Override
    public void setDiskMetadata(String diskCid, Map<String, Object> metadata) {
        synchronized (lock) {
            existingDisk(diskCid).metadata.putAll(freeze(metadata));
        }
    }

    @Override
    public List<String> getDisks(String vmCid) {
        synchronized (lock) {
            return List.copyOf(existingVm(vmCid).attached.keySet());
        }
    }

    /**
     * A copy of one disk's state, for tests and diagnostics.
     *
     * @param diskCid the disk id
     * @return the state, or empty when there is no such disk
     */
    Optional<DiskState> disk(String diskCid) {
        synchronized (lock) {
            Disk disk = disks.get(diskCid);
            return disk == null ? Optional.empty() : Optional.of(disk.state());
        }
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public String snapshotDisk(String diskCid, Map<String, Object> metadata) {
        synchronized (lock) {
            Disk disk = existingDisk(diskCid);
            String cid = newCid("snapshot");
            snapshots.put(cid, new Snapshot(cid, diskCid, disk.sizeMib, freeze(metadata)));
            return cid;
        }
    }

    @Override
    public void deleteSnapshot(String snapshotCid) {
        synchronized (lock) {
            if (snapshots.remove(snapshotCid) == null) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Snapshot '" + snapshotCid + "' does not exist.");
            }
        }
    }

    // ---------------------------------------------------------------- networks

    @Override
    public List<Object> createNetwork(Map<String, Object> networkDefinition) {
        String cid = newCid("network");
        Map<String, Object> frozen = freeze(networkDefinition);
        synchronized (lock) {
            networks.put(cid, frozen);
        }
        return List.of(cid, Map.of());
    }

    @Override
    public void deleteNetwork(String networkCid) {
        synchronized (lock) {
            if (networks.remove(networkCid) == null) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Network '" + networkCid + "' does not exist.");
            }
        }
    }

    // ---------------------------------------------------------------- counts

    int vmCount() {
        return vms.size();
    }

    int diskCount() {
        return disks.size();
    }

    int stemcellCount() {
        return stemcells.size();
    }

    int snapshotCount() {
        return snapshots.size();
    }

    int networkCount() {
        return networks.size();
    }

    /**
     * How many disks are attached to some VM, counted from the disks' side.
     *
     * @return the number of attached disks
     */
    int attachedDiskCount() {
        synchronized (lock) {
            return (int) disks.values().stream().filter(disk -> disk.attachedTo != null).count();
        }
    }

    // ---------------------------------------------------------------- helpers

    private Vm existingVm(String vmCid) {
        Vm vm = vms.get(vmCid);
        if (vm == null) {
            throw vmNotFound(vmCid);
        }
        return vm;
    }

    private static BoshCloudException vmNotFound(String vmCid) {
        return new BoshCloudException(VM_NOT_FOUND, "VM '" + vmCid + "' does not exist.");
    }

    private Disk existingDisk(String diskCid) {
        Disk disk = disks.get(diskCid);
        if (disk == null) {
            throw new BoshCloudException(DISK_NOT_FOUND, "Disk '" + diskCid + "' does not exist.");
        }
        return disk;
    }

    private void checkSize(String subject, String parameter, long sizeMib) {
        if (sizeMib < 1 || sizeMib > maxDiskSizeMib) {
            throw new BoshCloudException(CpiError.INVALID_PARAMETER, subject
                    + " is out of range: parameter '" + parameter + "' must be between 1 and "
                    + maxDiskSizeMib + " MiB.");
        }
    }

    private long checkNewSize(Disk disk, long newSizeMib) {
        checkSize("New size " + newSizeMib + " MiB of disk '" + disk.cid + "'", "new_size",
                newSizeMib);
        if (newSizeMib < disk.sizeMib) {
            throw new BoshCloudException(CpiError.NOT_SUPPORTED, "Disk '" + disk.cid + "' is "
                    + disk.sizeMib + " MiB; shrinking it to " + newSizeMib
                    + " MiB is not supported.");
        }
        return newSizeMib;
    }

    private static String newCid(String kind) {
        return kind + "-" + UUID.randomUUID();
    }

    /**
     * A deep, unmodifiable copy of a JSON value, so that callers can neither change stored state
     * through the maps they passed in nor through the values they get back.
     *
     * @param value a JSON-compatible value
     * @return the copy; maps keep their order and may hold null values
     */
    static Object freezeValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(String.valueOf(key), freezeValue(entry)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(entry -> copy.add(freezeValue(entry)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> freeze(Map<String, Object> map) {
        return map == null ? null : (Map<String, Object>) freezeValue(map);
    }

    /**
     * The Linux name of the n-th SCSI disk: 0 is {@code /dev/sda}, 25 {@code /dev/sdz}, 26
     * {@code /dev/sdaa}.
     *
     * @param index the zero-based index
     * @return the device path
     */
    static String deviceName(int index) {
        StringBuilder letters = new StringBuilder();
        int n = index;
        do {
            letters.insert(0, (char) ('a' + n % 26));
            n = n / 26 - 1;
        } while (n >= 0);
        return "/dev/sd" + letters;
    }

    // ---------------------------------------------------------------- state

    /** What tests and diagnostics see of a VM. */
    record VmState(String cid, String agentId, String stemcellCid,
            Map<String, Object> cloudProperties, Map<String, Object> networks,
            List<String> diskHints, Map<String, Object> environment, Map<String, Object> metadata,
            int reboots, Map<String, String> attachedDisks) {
    }

    /** What tests and diagnostics see of a disk. */
    record DiskState(String cid, long sizeMib, Map<String, Object> cloudProperties,
            Map<String, Object> metadata, String vmHint, String attachedTo) {
    }

    private record Stemcell(String cid, String imagePath, Map<String, Object> cloudProperties) {
    }

    private record Snapshot(String cid, String diskCid, long sizeMib,
            Map<String, Object> metadata) {
    }

    /** A VM; its mutable fields are guarded by the cloud's lock. */
    private static final class Vm {
        final String cid;
        final String agentId;
        final String stemcellCid;
        final Map<String, Object> cloudProperties;
        final Map<String, Object> networks;
        final List<String> diskHints;
        final Map<String, Object> environment;
        final Map<String, Object> metadata = new LinkedHashMap<>();
        /** Attached disk ids and their device paths, in attach order. */
        final Map<String, String> attached = new LinkedHashMap<>();
        int reboots;

        Vm(String cid, String agentId, String stemcellCid, Map<String, Object> cloudProperties,
                Map<String, Object> networks, List<String> diskHints,
                Map<String, Object> environment) {
            this.cid = cid;
            this.agentId = agentId;
            this.stemcellCid = stemcellCid;
            this.cloudProperties = cloudProperties;
            this.networks = networks;
            this.diskHints = diskHints;
            this.environment = environment;
        }

        /** The lowest free device after the root disk's /dev/sda, as Linux would assign it. */
        String freeDevice() {
            Set<String> used = new HashSet<>(attached.values());
            for (int index = 1;; index++) {
                String device = deviceName(index);
                if (!used.contains(device)) {
                    return device;
                }
            }
        }

        VmState state() {
            return new VmState(cid, agentId, stemcellCid, cloudProperties, networks, diskHints,
                    environment, freeze(metadata), reboots,
                    Collections.unmodifiableMap(new LinkedHashMap<>(attached)));
        }
    }

    /** A disk; its mutable fields are guarded by the cloud's lock. */
    private static final class Disk {
        final String cid;
        final String vmHint;
        final Map<String, Object> metadata = new LinkedHashMap<>();
        long sizeMib;
        Map<String, Object> cloudProperties;
        /** The VM the disk is attached to, or null. */
        String attachedTo;

        Disk(String cid, long sizeMib, Map<String, Object> cloudProperties, String vmHint) {
            this.cid = cid;
            this.sizeMib = sizeMib;
            this.cloudProperties = cloudProperties;
            this.vmHint = vmHint;
        }

        DiskState state() {
            return new DiskState(cid, sizeMib, cloudProperties, freeze(metadata), vmHint,
                    attachedTo);
        }
    }
}
