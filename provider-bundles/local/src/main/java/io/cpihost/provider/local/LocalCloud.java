package io.cpihost.provider.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
import io.cpihost.provider.local.Store.Kind;

/**
 * The local cloud: stemcells, VMs, disks, snapshots and networks as files and processes under
 * one store directory, with the rules a real IaaS enforces.
 *
 * <p>Thread-safe. Every change happens under one lock and is persisted before it is visible;
 * reads use the in-memory copy of the records. The ordering of writes keeps the store
 * consistent across a crash at any point: data before records on creation, records before
 * data on deletion, an attachment's link before its record and after it on detaching, a
 * VM's disks detached before its record goes. Refusals are {@link BoshCloudException}s naming the
 * resource.
 *
 * <p>VM processes outlive the provider (a restart, a configuration change, a crash): on start
 * the provider re-adopts those still running, and records the others as {@link #LOST}.
 */
final class LocalCloud implements BoshCloud, AutoCloseable {

    /** BOSH's error type for an unknown VM. */
    static final String VM_NOT_FOUND = "Bosh::Clouds::VMNotFound";
    /** BOSH's error type for an unknown disk. */
    static final String DISK_NOT_FOUND = "Bosh::Clouds::DiskNotFound";
    /** BOSH's error type for a VM that could not be created. */
    static final String VM_CREATION_FAILED = "Bosh::Clouds::VMCreationFailed";
    /** BOSH's error type for detaching a disk that is not attached to the VM. */
    static final String DISK_NOT_ATTACHED = "Bosh::Clouds::DiskNotAttached";

    /** The only stemcell format the local cloud takes: a file it copies. */
    static final String STEMCELL_FORMAT = "local-raw";

    private static final Map<String, Object> INFO =
            Map.of("api_version", 2, "stemcell_formats", List.of(STEMCELL_FORMAT));

    /** The VM is recorded; its process is being started. */
    static final String STARTING = "starting";
    /** The VM's process runs and is supervised. */
    static final String RUNNING = "running";
    /** The VM's process ended while supervised. */
    static final String EXITED = "exited";
    /** The VM's process was gone (or was another process) when the provider started. */
    static final String LOST = "lost";

    /** The key of cloud_properties naming a VM's command. */
    static final String COMMAND_PROPERTY = "command";

    private static final System.Logger LOG = System.getLogger(LocalCloud.class.getName());
    private static final long MIB = 1024L * 1024;
    private static final String DISK_FILE = "disk.img";
    private static final String IMAGE_FILE = "image";
    private static final String SNAPSHOT_FILE = "snapshot.img";
    private static final String NETWORKS_FILE = "networks.json";
    private static final String ENVIRONMENT_FILE = "environment.json";
    private static final String METADATA_FILE = "metadata.json";
    private static final String DISKS_DIRECTORY = "disks";

    /** Limits and defaults of a cloud. */
    record Settings(long maxDiskSizeMib, int maxVms, long maxStemcellSizeMib,
            List<String> vmCommand, boolean allowCommandFromCloudProperties, Duration stopGrace) {
    }

    private final Store store;
    private final Settings settings;
    private final Object lock = new Object();
    private final Map<String, Records.Stemcell> stemcells = new ConcurrentHashMap<>();
    private final Map<String, Records.Vm> vms = new ConcurrentHashMap<>();
    private final Map<String, Records.Disk> disks = new ConcurrentHashMap<>();
    private final Map<String, Records.Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Records.Network> networks = new ConcurrentHashMap<>();
    /** The supervised process of each VM whose process runs. */
    private final Map<String, ProcessHandle> processes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Opens the store, removes what a crash left behind, loads the records and re-adopts the
     * VM processes still running.
     *
     * @param directory the store directory
     * @param settings limits and defaults
     * @throws IllegalArgumentException when the store cannot be used
     * @throws IllegalStateException when a record in the store is damaged
     */
    LocalCloud(Path directory, Settings settings) {
        this.settings = settings;
        this.store = new Store(directory);
        try {
            load();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw new IllegalStateException("The local cloud in '" + store.root()
                    + "' cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Stops supervising: the VM processes keep running, to be re-adopted by the next instance.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        store.close();
    }

    Path root() {
        return store.root();
    }

    // ---------------------------------------------------------------- loading

    private void load() throws IOException {
        for (Path removed : store.collect()) {
            LOG.log(Level.INFO, "Removed ''{0}'', left behind by an interrupted operation.",
                    removed);
        }
        for (String cid : store.ids(Kind.STEMCELL)) {
            Records.Stemcell stemcell = read(Kind.STEMCELL, cid, Records.Stemcell.class);
            requireFile(store.directory(Kind.STEMCELL, cid).resolve(IMAGE_FILE));
            stemcells.put(cid, stemcell);
        }
        for (String cid : store.ids(Kind.NETWORK)) {
            networks.put(cid, read(Kind.NETWORK, cid, Records.Network.class));
        }
        for (String cid : store.ids(Kind.SNAPSHOT)) {
            Records.Snapshot snapshot = read(Kind.SNAPSHOT, cid, Records.Snapshot.class);
            requireFile(store.directory(Kind.SNAPSHOT, cid).resolve(SNAPSHOT_FILE));
            snapshots.put(cid, snapshot);
        }
        for (String cid : store.ids(Kind.VM)) {
            Records.Vm vm = read(Kind.VM, cid, Records.Vm.class);
            Path directory = store.directory(Kind.VM, cid);
            for (String file : List.of(NETWORKS_FILE, ENVIRONMENT_FILE, METADATA_FILE)) {
                store.readJson(requireFile(directory.resolve(file)), Map.class);
            }
            Files.createDirectories(directory.resolve(DISKS_DIRECTORY));
            vms.put(cid, vm);
            adopt(vm);
        }
        for (String cid : store.ids(Kind.DISK)) {
            Records.Disk disk = read(Kind.DISK, cid, Records.Disk.class);
            Path file = requireFile(diskFile(cid));
            if (Files.size(file) > disk.sizeMib() * MIB) {
                // A resize that did not commit: its record still has the old size.
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(),
                        "rw")) {
                    raf.setLength(disk.sizeMib() * MIB);
                }
            }
            if (disk.attachedTo() != null && !vms.containsKey(disk.attachedTo())) {
                // Cannot happen with the write order above; repaired rather than trusted.
                LOG.log(Level.WARNING, "Disk ''{0}'' was attached to VM ''{1}'', which does not"
                        + " exist; it is now detached.", cid, disk.attachedTo());
                disk = disk.withAttachment(null, null);
                store.writeJson(store.record(Kind.DISK, cid), disk);
            }
            disks.put(cid, disk);
        }
        reconcileLinks();
        long running = processes.size();
        LOG.log(Level.INFO, "Local cloud in ''{0}'': {1} VMs ({2} running), {3} disks, {4}"
                + " stemcells, {5} snapshots, {6} networks.", store.root(), vms.size(), running,
                disks.size(), stemcells.size(), snapshots.size(), networks.size());
    }

    private <T> T read(Kind kind, String cid, Class<T> type) throws IOException {
        Path file = store.record(kind, cid);
        T record;
        try {
            record = store.readJson(file, type);
        } catch (IOException e) {
            throw new IOException("Record '" + file + "' is damaged: " + e.getMessage(), e);
        }
        String recorded = null;
        if (record instanceof Records.Stemcell stemcell) {
            recorded = stemcell.cid();
        } else if (record instanceof Records.Vm vm) {
            recorded = vm.cid();
        } else if (record instanceof Records.Disk disk) {
            recorded = disk.cid();
        } else if (record instanceof Records.Snapshot snapshot) {
            recorded = snapshot.cid();
        } else if (record instanceof Records.Network network) {
            recorded = network.cid();
        }
        if (!cid.equals(recorded)) {
            throw new IOException("Record '" + file + "' names resource '" + recorded
                    + "', not '" + cid + "'.");
        }
        return record;
    }

    private static Path requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("File '" + file + "' is missing.");
        }
        return file;
    }

    /** Re-adopts a VM's process if it still runs; records honestly when it does not. */
    private void adopt(Records.Vm vm) throws IOException {
        VmProcess.Identity identity = vm.identity();
        Optional<ProcessHandle> found = identity == null ? Optional.empty()
                : VmProcess.find(identity);
        if (found.isPresent()) {
            processes.put(vm.cid(), found.get());
            watch(vm.cid(), found.get(), null);
            if (!RUNNING.equals(vm.state())) {
                save(vm.withState(RUNNING, "Process " + identity.pid() + " re-adopted on "
                        + Instant.now() + "."));
            }
            LOG.log(Level.INFO, "VM ''{0}'': re-adopted process {1}.", vm.cid(),
                    String.valueOf(identity.pid()));
            return;
        }
        if (EXITED.equals(vm.state()) || LOST.equals(vm.state())) {
            return;
        }
        String detail = identity == null
                ? "The provider stopped while the VM's process was being started, on or before "
                        + Instant.now() + "; if it started, it is not supervised."
                : "Process " + identity.pid() + " (" + identity.command() + ", started "
                        + identity.start() + ") was not running when the provider started on "
                        + Instant.now() + " (the pid is free or belongs to another process).";
        save(vm.withState(LOST, detail));
        LOG.log(Level.WARNING, "VM ''{0}'' is lost: {1}", vm.cid(), detail);
    }

    /** Makes every VM's disks directory hold links to exactly its attached disks. */
    private void reconcileLinks() throws IOException {
        for (String vmCid : vms.keySet()) {
            Path links = store.directory(Kind.VM, vmCid).resolve(DISKS_DIRECTORY);
            Set<String> attached = new HashSet<>();
            for (Records.Disk disk : disks.values()) {
                if (vmCid.equals(disk.attachedTo())) {
                    attached.add(disk.cid());
                    link(vmCid, disk.cid());
                }
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(links)) {
                for (Path entry : entries) {
                    if (!attached.contains(entry.getFileName().toString())) {
                        Files.deleteIfExists(entry);
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Object> info() {
        return INFO;
    }

    // ---------------------------------------------------------------- stemcells

    @Override
    public String createStemcell(String imagePath, Map<String, Object> cloudProperties) {
        Path source = imageSource(imagePath);
        String cid = newCid("stemcell");
        Path directory = store.directory(Kind.STEMCELL, cid);
        try {
            long size = Files.size(source);
            if (size > settings.maxStemcellSizeMib() * MIB) {
                throw invalid("Image '" + imagePath + "' is " + size / MIB + " MiB, more than "
                        + settings.maxStemcellSizeMib() + " MiB, the limit (maxStemcellSizeMib).");
            }
            Files.createDirectory(directory);
            String checksum = Store.copyWithChecksum(source, directory.resolve(IMAGE_FILE),
                    settings.maxStemcellSizeMib() * MIB, "Image '" + imagePath + "'");
            Records.Stemcell stemcell = new Records.Stemcell(cid, source.toString(),
                    Files.size(directory.resolve(IMAGE_FILE)), checksum, copy(cloudProperties),
                    now());
            synchronized (lock) {
                checkOpen();
                store.writeJson(store.record(Kind.STEMCELL, cid), stemcell);
                stemcells.put(cid, stemcell);
            }
            return cid;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(directory);
            if (e instanceof BoshCloudException cloud) {
                throw cloud;
            }
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot import image '" + imagePath
                    + "' as a stemcell: " + e + ".", e);
        }
    }

    private static Path imageSource(String imagePath) {
        Path source;
        try {
            source = Path.of(imagePath);
        } catch (InvalidPathException e) {
            throw invalid("Image path '" + imagePath + "' is not a valid path: " + e.getMessage()
                    + ".");
        }
        if (!source.isAbsolute()) {
            throw invalid("Image path '" + imagePath + "' must be absolute.");
        }
        if (!Files.isRegularFile(source) || !Files.isReadable(source)) {
            throw invalid("Image '" + imagePath + "' is not a readable regular file.");
        }
        return source;
    }

    @Override
    public void deleteStemcell(String stemcellCid) {
        checkId("stemcell_cid", stemcellCid);
        synchronized (lock) {
            checkOpen();
            if (!stemcells.containsKey(stemcellCid)) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Stemcell '" + stemcellCid + "' does not exist.");
            }
            deleteResource(Kind.STEMCELL, stemcellCid);
            stemcells.remove(stemcellCid);
        }
    }

    // ---------------------------------------------------------------- VMs

    @Override
    public List<Object> createVm(String agentId, String stemcellCid,
            Map<String, Object> cloudProperties, Map<String, Object> vmNetworks,
            List<String> diskCids, Map<String, Object> environment) {
        checkId("stemcell_cid", stemcellCid);
        for (String diskCid : diskCids) {
            checkId("disk_cids", diskCid);
        }
        List<String> command = command(cloudProperties);
        synchronized (lock) {
            checkOpen();
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
            if (vms.size() >= settings.maxVms()) {
                throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for agent '"
                        + agentId + "': the cloud already holds " + vms.size()
                        + " VMs, its limit (maxVms).");
            }
            String cid = newCid("vm");
            Path directory = store.directory(Kind.VM, cid);
            Records.Vm vm = new Records.Vm(cid, agentId, stemcellCid, copy(cloudProperties),
                    command, List.copyOf(diskCids), STARTING, "The VM's process is starting.",
                    null, null, null, 0, now());
            try {
                Files.createDirectory(directory);
                Files.createDirectory(directory.resolve(DISKS_DIRECTORY));
                store.writeJson(directory.resolve(NETWORKS_FILE), vmNetworks);
                store.writeJson(directory.resolve(ENVIRONMENT_FILE),
                        environment == null ? Map.of() : environment);
                store.writeJson(directory.resolve(METADATA_FILE), Map.of());
                // The record before the process: a crash between the two leaves a VM that is
                // reported lost, not a process nobody knows of.
                save(vm);
            } catch (IOException e) {
                deleteQuietly(directory);
                vms.remove(cid);
                throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for agent '"
                        + agentId + "': its directory '" + directory + "' cannot be written: " + e
                        + ".", e);
            }
            try {
                startProcess(vm, 0, "Started on " + Instant.now() + ".");
            } catch (BoshCloudException e) {
                try {
                    deleteResource(Kind.VM, cid);
                } catch (BoshCloudException cleanup) {
                    e.addSuppressed(cleanup);
                }
                vms.remove(cid);
                throw new BoshCloudException(VM_CREATION_FAILED, "Cannot create a VM for agent '"
                        + agentId + "': " + e.getMessage(), e);
            }
            // BOSH v2: the CPI answers with the network settings it applied; here, those asked for.
            return List.of(cid, vmNetworks);
        }
    }

    /** The command from cloud_properties, if allowed, or the configured one. */
    private List<String> command(Map<String, Object> cloudProperties) {
        Object value = cloudProperties.get(COMMAND_PROPERTY);
        if (value == null) {
            return settings.vmCommand();
        }
        if (!settings.allowCommandFromCloudProperties()) {
            throw invalid("cloud_properties.command is refused: this local provider runs its"
                    + " configured vmCommand only (allowCommandFromCloudProperties is false).");
        }
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > 256) {
            throw invalid("cloud_properties.command must be a list of 1 to 256 strings, not "
                    + value + ".");
        }
        List<String> command = new ArrayList<>();
        for (Object element : list) {
            if (!(element instanceof String text) || text.isEmpty() || text.length() > 4096
                    || text.indexOf('\0') >= 0) {
                throw invalid("cloud_properties.command holds '" + element + "'; every element"
                        + " must be a non-empty string of at most 4096 characters.");
            }
            command.add(text);
        }
        return List.copyOf(command);
    }

    /** Starts a VM's process and records it; called under the lock. */
    private void startProcess(Records.Vm vm, int reboots, String detail) {
        Path directory = store.directory(Kind.VM, vm.cid());
        Process process;
        try {
            process = VmProcess.start(vm.command(), directory, Map.of(
                    "CPI_VM_CID", vm.cid(),
                    "CPI_AGENT_ID", vm.agentId(),
                    "CPI_VM_DIR", directory.toString()));
        } catch (IOException | RuntimeException e) {
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "Command " + vm.command()
                    + " of VM '" + vm.cid() + "' cannot be started: " + e.getMessage() + ".", e);
        }
        ProcessHandle handle = process.toHandle();
        VmProcess.Identity identity = VmProcess.identify(handle);
        processes.put(vm.cid(), handle);
        try {
            save(vm.withProcess(RUNNING, detail, identity, reboots));
        } catch (IOException e) {
            processes.remove(vm.cid());
            VmProcess.stopTree(handle, settings.stopGrace());
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "The record of VM '" + vm.cid()
                    + "' cannot be written: " + e + ".", e);
        }
        watch(vm.cid(), handle, process);
    }

    /** Records the end of a supervised process that nobody asked to end. */
    private void watch(String cid, ProcessHandle handle, Process process) {
        (process != null ? process.onExit() : handle.onExit())
                .whenComplete((ignored, failure) -> exited(cid, handle, process));
    }

    private void exited(String cid, ProcessHandle handle, Process process) {
        synchronized (lock) {
            if (closed || processes.get(cid) != handle) {
                return;
            }
            processes.remove(cid);
            Records.Vm vm = vms.get(cid);
            if (vm == null) {
                return;
            }
            String detail = "Process " + handle.pid() + " ended on " + Instant.now()
                    + (process != null ? " with exit code " + process.exitValue() : "") + ".";
            try {
                save(vm.withState(EXITED, detail));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "VM ''{0}'': cannot record that its process ended: {1}",
                        cid, e);
            }
            LOG.log(Level.WARNING, "VM ''{0}'': {1}", cid, detail);
        }
    }

    @Override
    public void deleteVm(String vmCid) {
        checkId("vm_cid", vmCid);
        synchronized (lock) {
            checkOpen();
            existingVm(vmCid);
            stop(vmCid);
            // A real IaaS detaches volumes when their instance goes away; the disks survive.
            // Detached before the VM's record goes, so no disk ever names a missing VM.
            for (Records.Disk disk : List.copyOf(disks.values())) {
                if (vmCid.equals(disk.attachedTo())) {
                    saveDisk(disk.withAttachment(null, null));
                }
            }
            deleteResource(Kind.VM, vmCid);
            vms.remove(vmCid);
        }
    }

    /** Ends a VM's supervised process, if any; called under the lock. */
    private void stop(String vmCid) {
        ProcessHandle handle = processes.remove(vmCid);
        if (handle == null || !handle.isAlive()) {
            return;
        }
        try {
            VmProcess.stopTree(handle, settings.stopGrace());
        } catch (IllegalStateException e) {
            processes.put(vmCid, handle);
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "The process of VM '" + vmCid
                    + "' cannot be ended: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasVm(String vmCid) {
        checkId("vm_cid", vmCid);
        ProcessHandle handle = processes.get(vmCid);
        return vms.containsKey(vmCid) && handle != null && handle.isAlive();
    }

    @Override
    public void rebootVm(String vmCid) {
        checkId("vm_cid", vmCid);
        synchronized (lock) {
            checkOpen();
            Records.Vm vm = existingVm(vmCid);
            stop(vmCid);
            try {
                startProcess(vm, vm.reboots() + 1, "Rebooted on " + Instant.now() + ".");
            } catch (BoshCloudException e) {
                try {
                    save(vm.withState(EXITED, "Reboot on " + Instant.now() + " failed: "
                            + e.getMessage()));
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    @Override
    public void setVmMetadata(String vmCid, Map<String, Object> metadata) {
        checkId("vm_cid", vmCid);
        synchronized (lock) {
            checkOpen();
            existingVm(vmCid);
            Path file = store.directory(Kind.VM, vmCid).resolve(METADATA_FILE);
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> merged = new LinkedHashMap<>(store.readJson(file, Map.class));
                // Merged like cloud tags: later keys win, earlier keys stay.
                merged.putAll(metadata);
                store.writeJson(file, merged);
            } catch (IOException e) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "The metadata of VM '" + vmCid
                        + "' cannot be written: " + e + ".", e);
            }
        }
    }

    @Override
    public List<String> getDisks(String vmCid) {
        checkId("vm_cid", vmCid);
        existingVm(vmCid);
        return disks.values().stream().filter(disk -> vmCid.equals(disk.attachedTo()))
                .sorted(Comparator.comparing(Records.Disk::device,
                        Comparator.comparingInt(String::length).thenComparing(d -> d)))
                .map(Records.Disk::cid).toList();
    }

    /**
     * A VM's record, for tests and diagnostics.
     *
     * @param vmCid the VM id
     * @return the record, or empty when there is no such VM
     */
    Optional<Records.Vm> vm(String vmCid) {
        return Optional.ofNullable(vms.get(vmCid));
    }

    /**
     * The supervised processes by VM id, for tests and diagnostics.
     *
     * @return a snapshot
     */
    Map<String, ProcessHandle> processes() {
        return Map.copyOf(processes);
    }

    @Override
    public Map<String, Object> calculateVmCloudProperties(long cpu, long ram,
            long ephemeralDiskSize) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("instance_type", "local." + cpu + "cpu." + ram + "mib");
        properties.put("cpu", cpu);
        properties.put("ram", ram);
        properties.put("ephemeral_disk_size", ephemeralDiskSize);
        return properties;
    }

    // ---------------------------------------------------------------- disks

    @Override
    public String createDisk(long sizeMib, Map<String, Object> cloudProperties, String vmCid) {
        checkSize("Disk size " + sizeMib + " MiB", "size", sizeMib);
        if (vmCid != null) {
            checkId("vm_cid", vmCid);
            if (!vms.containsKey(vmCid)) {
                throw new BoshCloudException(VM_NOT_FOUND, "Cannot create a disk near VM '" + vmCid
                        + "': VM '" + vmCid + "' does not exist.");
            }
        }
        String cid = newCid("disk");
        Path directory = store.directory(Kind.DISK, cid);
        try {
            Files.createDirectory(directory);
            Store.createSparse(directory.resolve(DISK_FILE), sizeMib * MIB);
            Records.Disk disk = new Records.Disk(cid, sizeMib, copy(cloudProperties), Map.of(),
                    vmCid, null, null, now());
            synchronized (lock) {
                checkOpen();
                saveDisk(disk);
            }
            return cid;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(directory);
            if (e instanceof BoshCloudException cloud) {
                throw cloud;
            }
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot create a disk of " + sizeMib
                    + " MiB in '" + directory + "': " + e + ".", e);
        }
    }

    @Override
    public void deleteDisk(String diskCid) {
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            Records.Disk disk = existingDisk(diskCid);
            if (disk.attachedTo() != null) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Disk '" + diskCid
                        + "' is attached to VM '" + disk.attachedTo() + "'; detach it first.");
            }
            deleteResource(Kind.DISK, diskCid);
            disks.remove(diskCid);
        }
    }

    @Override
    public boolean hasDisk(String diskCid) {
        checkId("disk_cid", diskCid);
        return disks.containsKey(diskCid);
    }

    @Override
    public void resizeDisk(String diskCid, long newSize) {
        resizeDisk(diskCid, newSize, null);
    }

    @Override
    public void updateDisk(String diskCid, long newSize, Map<String, Object> cloudProperties) {
        resizeDisk(diskCid, newSize, cloudProperties);
    }

    /** Grows a disk, and replaces its cloud properties unless they are null. */
    private void resizeDisk(String diskCid, long newSizeMib, Map<String, Object> cloudProperties) {
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            Records.Disk disk = existingDisk(diskCid);
            checkSize("New size " + newSizeMib + " MiB of disk '" + diskCid + "'", "new_size",
                    newSizeMib);
            if (newSizeMib < disk.sizeMib()) {
                throw new BoshCloudException(CpiError.NOT_SUPPORTED, "Disk '" + diskCid + "' is "
                        + disk.sizeMib() + " MiB; shrinking it to " + newSizeMib
                        + " MiB is not supported.");
            }
            try {
                // The file first: a crash before the record leaves a larger file, which the
                // next start trims back to the recorded size.
                Store.grow(diskFile(diskCid), newSizeMib * MIB);
            } catch (IOException e) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Disk '" + diskCid
                        + "' cannot grow to " + newSizeMib + " MiB: " + e + ".", e);
            }
            saveDisk(disk.withSize(newSizeMib,
                    cloudProperties == null ? disk.cloudProperties() : copy(cloudProperties)));
        }
    }

    @Override
    public String attachDisk(String vmCid, String diskCid) {
        checkId("vm_cid", vmCid);
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            existingVm(vmCid);
            Records.Disk disk = existingDisk(diskCid);
            if (vmCid.equals(disk.attachedTo())) {
                // Attaching twice is what a retrying director does: answer as the first time.
                return disk.device();
            }
            if (disk.attachedTo() != null) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot attach disk '" + diskCid
                        + "' to VM '" + vmCid + "': it is attached to VM '" + disk.attachedTo()
                        + "'; detach it first.");
            }
            String device = freeDevice(vmCid);
            try {
                link(vmCid, diskCid);
            } catch (IOException e) {
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot expose disk '" + diskCid
                        + "' in the directory of VM '" + vmCid + "': " + e + ".", e);
            }
            saveDisk(disk.withAttachment(vmCid, device));
            return device;
        }
    }

    @Override
    public void detachDisk(String vmCid, String diskCid) {
        checkId("vm_cid", vmCid);
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            existingVm(vmCid);
            Records.Disk disk = existingDisk(diskCid);
            if (!vmCid.equals(disk.attachedTo())) {
                throw new BoshCloudException(DISK_NOT_ATTACHED, "Disk '" + diskCid
                        + "' is not attached to VM '" + vmCid + "'"
                        + (disk.attachedTo() == null ? "." : "; it is attached to VM '"
                                + disk.attachedTo() + "'."));
            }
            saveDisk(disk.withAttachment(null, null));
            try {
                Files.deleteIfExists(linkPath(vmCid, diskCid));
            } catch (IOException e) {
                // The record says detached; the next start removes the stale link.
                LOG.log(Level.WARNING, "Cannot remove the link of disk ''{0}'' in VM ''{1}'': {2}",
                        diskCid, vmCid, e);
            }
        }
    }

    @Override
    public void setDiskMetadata(String diskCid, Map<String, Object> metadata) {
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            Records.Disk disk = existingDisk(diskCid);
            Map<String, Object> merged = new LinkedHashMap<>(disk.metadata());
            merged.putAll(copy(metadata));
            saveDisk(disk.withMetadata(merged));
        }
    }

    /**
     * A disk's record, for tests and diagnostics.
     *
     * @param diskCid the disk id
     * @return the record, or empty when there is no such disk
     */
    Optional<Records.Disk> disk(String diskCid) {
        return Optional.ofNullable(disks.get(diskCid));
    }

    Path diskFile(String diskCid) {
        return store.directory(Kind.DISK, diskCid).resolve(DISK_FILE);
    }

    Path vmDirectory(String vmCid) {
        return store.directory(Kind.VM, vmCid);
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public String snapshotDisk(String diskCid, Map<String, Object> metadata) {
        checkId("disk_cid", diskCid);
        synchronized (lock) {
            checkOpen();
            Records.Disk disk = existingDisk(diskCid);
            String cid = newCid("snapshot");
            Path directory = store.directory(Kind.SNAPSHOT, cid);
            try {
                Files.createDirectory(directory);
                Store.copySparse(diskFile(diskCid), directory.resolve(SNAPSHOT_FILE));
                Records.Snapshot snapshot = new Records.Snapshot(cid, diskCid, disk.sizeMib(),
                        copy(metadata), now());
                store.writeJson(store.record(Kind.SNAPSHOT, cid), snapshot);
                snapshots.put(cid, snapshot);
                return cid;
            } catch (IOException e) {
                deleteQuietly(directory);
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot snapshot disk '"
                        + diskCid + "': " + e + ".", e);
            }
        }
    }

    @Override
    public void deleteSnapshot(String snapshotCid) {
        checkId("snapshot_cid", snapshotCid);
        synchronized (lock) {
            checkOpen();
            if (!snapshots.containsKey(snapshotCid)) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Snapshot '" + snapshotCid + "' does not exist.");
            }
            deleteResource(Kind.SNAPSHOT, snapshotCid);
            snapshots.remove(snapshotCid);
        }
    }

    // ---------------------------------------------------------------- networks

    @Override
    public List<Object> createNetwork(Map<String, Object> networkDefinition) {
        synchronized (lock) {
            checkOpen();
            String cid = newCid("network");
            Path directory = store.directory(Kind.NETWORK, cid);
            try {
                Files.createDirectory(directory);
                Records.Network network = new Records.Network(cid, copy(networkDefinition), now());
                store.writeJson(store.record(Kind.NETWORK, cid), network);
                networks.put(cid, network);
                return List.of(cid, Map.of());
            } catch (IOException e) {
                deleteQuietly(directory);
                throw new BoshCloudException(CpiError.CLOUD_ERROR, "Cannot create a network in '"
                        + directory + "': " + e + ".", e);
            }
        }
    }

    @Override
    public void deleteNetwork(String networkCid) {
        checkId("network_cid", networkCid);
        synchronized (lock) {
            checkOpen();
            if (!networks.containsKey(networkCid)) {
                throw new BoshCloudException(CpiError.NOT_FOUND,
                        "Network '" + networkCid + "' does not exist.");
            }
            deleteResource(Kind.NETWORK, networkCid);
            networks.remove(networkCid);
        }
    }

    // ---------------------------------------------------------------- counts

    /**
     * The ids of every resource of a kind, for tests and diagnostics.
     *
     * @param kind the kind
     * @return the ids, sorted
     */
    List<String> ids(Kind kind) {
        Map<String, ?> map = switch (kind) {
            case STEMCELL -> stemcells;
            case VM -> vms;
            case DISK -> disks;
            case SNAPSHOT -> snapshots;
            case NETWORK -> networks;
        };
        return map.keySet().stream().sorted().toList();
    }

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

    // ---------------------------------------------------------------- helpers

    private void checkOpen() {
        if (closed) {
            throw new BoshCloudException(CpiError.UNAVAILABLE, "The local cloud in '" + store.root()
                    + "' is closed.");
        }
    }

    /** Ids name directories: only a strict pattern may pass, so none escapes the store. */
    static void checkId(String parameter, String cid) {
        if (cid == null || !Store.ID.matcher(cid).matches()) {
            throw invalid("Id '" + cid + "' in parameter '" + parameter + "' is not a valid id:"
                    + " ids are 1 to 128 letters, digits, '-' and '_', starting with a letter or"
                    + " digit.");
        }
    }

    private Records.Vm existingVm(String vmCid) {
        Records.Vm vm = vms.get(vmCid);
        if (vm == null) {
            throw new BoshCloudException(VM_NOT_FOUND, "VM '" + vmCid + "' does not exist.");
        }
        return vm;
    }

    private Records.Disk existingDisk(String diskCid) {
        Records.Disk disk = disks.get(diskCid);
        if (disk == null) {
            throw new BoshCloudException(DISK_NOT_FOUND, "Disk '" + diskCid + "' does not exist.");
        }
        return disk;
    }

    private void checkSize(String subject, String parameter, long sizeMib) {
        if (sizeMib < 1 || sizeMib > settings.maxDiskSizeMib()) {
            throw invalid(subject + " is out of range: parameter '" + parameter
                    + "' must be between 1 and " + settings.maxDiskSizeMib()
                    + " MiB (maxDiskSizeMib).");
        }
    }

    private void save(Records.Vm vm) throws IOException {
        store.writeJson(store.record(Kind.VM, vm.cid()), vm);
        vms.put(vm.cid(), vm);
    }

    private void saveDisk(Records.Disk disk) {
        try {
            store.writeJson(store.record(Kind.DISK, disk.cid()), disk);
        } catch (IOException e) {
            throw new BoshCloudException(CpiError.CLOUD_ERROR, "The record of disk '" + disk.cid()
                    + "' cannot be written: " + e + ".", e);
        }
        disks.put(disk.cid(), disk);
    }

    /** Deletes a resource: its record first (that is the deletion), then the rest. */
    private void deleteResource(Kind kind, String cid) {
        Path record = store.record(kind, cid);
        try {
            Files.deleteIfExists(record);
            Store.syncDirectory(record.getParent());
        } catch (IOException e) {
            throw new BoshCloudException(CpiError.CLOUD_ERROR, kind.label + " '" + cid
                    + "' cannot be deleted: " + e + ".", e);
        }
        deleteQuietly(store.directory(kind, cid));
    }

    private static void deleteQuietly(Path directory) {
        try {
            Store.deleteTree(directory);
        } catch (IOException e) {
            // Without a record the directory is garbage; the next start removes it.
            LOG.log(Level.WARNING, "Cannot remove ''{0}'' now: {1}", directory, e);
        }
    }

    private Path linkPath(String vmCid, String diskCid) {
        return store.directory(Kind.VM, vmCid).resolve(DISKS_DIRECTORY).resolve(diskCid);
    }

    /** Exposes a disk inside a VM's directory as a relative link to the disk's file. */
    private void link(String vmCid, String diskCid) throws IOException {
        Path link = linkPath(vmCid, diskCid);
        Path target = link.getParent().relativize(diskFile(diskCid));
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
            return;
        }
        Files.deleteIfExists(link);
        try {
            Files.createSymbolicLink(link, target);
        } catch (FileAlreadyExistsException e) {
            // Raced with nothing: links change only under the lock.
            throw new IOException("Link '" + link + "' appeared while it was being created.", e);
        }
    }

    /** The lowest free device after the root disk's /dev/sda, as Linux would assign it. */
    private String freeDevice(String vmCid) {
        Set<String> used = new HashSet<>();
        for (Records.Disk disk : disks.values()) {
            if (vmCid.equals(disk.attachedTo()) && disk.device() != null) {
                used.add(disk.device());
            }
        }
        for (int index = 1;; index++) {
            StringBuilder letters = new StringBuilder();
            int n = index;
            do {
                letters.insert(0, (char) ('a' + n % 26));
                n = n / 26 - 1;
            } while (n >= 0);
            String device = "/dev/sd" + letters;
            if (!used.contains(device)) {
                return device;
            }
        }
    }

    private static String newCid(String kind) {
        return kind + "-" + UUID.randomUUID();
    }

    private static String now() {
        return Instant.now().toString();
    }

    /** A copy of a JSON object that callers cannot change afterwards. */
    private static Map<String, Object> copy(Map<String, Object> value) {
        if (value == null) {
            return Map.of();
        }
        return Store.JSON.convertValue(value,
                new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {
                });
    }

    private static BoshCloudException invalid(String message) {
        return new BoshCloudException(CpiError.INVALID_PARAMETER, message);
    }
}
