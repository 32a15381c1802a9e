package io.cpihost.provider.local;

import static io.cpihost.provider.local.Fixture.await;
import static io.cpihost.provider.local.Fixture.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;

class LocalCpiExtensionTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    private Fixture fixture;
    private LocalCpiExtension cpi;

    @BeforeEach
    void open() {
        fixture = new Fixture(temp.resolve("store"));
        cpi = fixture.open(Map.of("maxDiskSizeMib", 1024, "maxVms", 8));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private Object succeed(String action, Map<String, Object> params) {
        return fixture.succeed(cpi, action, params);
    }

    private static CpiError error(ActionResult result) {
        assertFalse(result.isSuccess(), () -> "expected a failure, got " + result);
        return result.error();
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void configurationIsValidated() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Fixture.build(Map.of()));
        assertTrue(missing.getMessage().contains("needs storeDirectory"), missing.getMessage());
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> Fixture.build(Map.of("storeDirectory", "relative/store")));
        assertTrue(relative.getMessage().contains("'relative/store'; it must be an absolute path"),
                relative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fixture.build(
                Map.of("storeDirectory", temp.resolve("s2").toString(), "maxVms", 0)));
        assertThrows(IllegalArgumentException.class, () -> Fixture.build(
                Map.of("storeDirectory", temp.resolve("s3").toString(), "maxDiskSizeMib", 0)));
        assertThrows(IllegalArgumentException.class, () -> Fixture.build(
                Map.of("storeDirectory", temp.resolve("s4").toString(), "vmCommand", "")));
    }

    @Test
    void aStoreServesOneInstanceAtATime() {
        IllegalArgumentException inUse = assertThrows(IllegalArgumentException.class,
                () -> fixture.open(Map.of()));
        assertTrue(inUse.getMessage().contains("is in use by another local provider instance"),
                inUse.getMessage());
    }

    // ---------------------------------------------------------------- stemcells

    @Test
    void createStemcellCopiesTheImageWithItsChecksum() throws Exception {
        Path image = fixture.image(temp, "stemcell bytes");

        String cid = (String) succeed("create_stemcell",
                Map.of("image_path", image.toString(), "cloud_properties", Map.of("os", "x")));

        Path copy = fixture.store().resolve("stemcells").resolve(cid).resolve("image");
        assertEquals("stemcell bytes", Files.readString(copy));
        Map<?, ?> record = Store.JSON.readValue(copy.resolveSibling("stemcell.json").toFile(),
                Map.class);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(image))), record.get("sha256"));
        assertEquals(image.toString(), record.get("source"));
        Files.delete(image);
        assertTrue(Files.exists(copy), "the copy does not depend on the source");

        succeed("delete_stemcell", Map.of("stemcell_cid", cid));
        assertFalse(Files.exists(copy.getParent()));
        CpiError again = error(call(cpi, "delete_stemcell", Map.of("stemcell_cid", cid)));
        assertEquals(CpiError.NOT_FOUND, again.type());
        assertTrue(again.message().contains(cid), again.message());
    }

    @Test
    void imagesMustBeReadableFilesGivenByAbsolutePath() throws IOException {
        for (String path : List.of("relative.img", temp.resolve("missing.img").toString(),
                temp.toString())) {
            CpiError error = error(call(cpi, "create_stemcell",
                    Map.of("image_path", path, "cloud_properties", Map.of())));
            assertEquals(CpiError.INVALID_PARAMETER, error.type());
            assertTrue(error.message().contains("'" + path + "'"), error.message());
        }
        LocalCpiExtension small = Fixture.build(Map.of("storeDirectory",
                temp.resolve("small").toString(), "maxStemcellSizeMib", 1));
        try {
            Path big = temp.resolve("big.img");
            try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
                file.setLength(2 * MIB);
            }
            CpiError error = error(call(small, "create_stemcell",
                    Map.of("image_path", big.toString(), "cloud_properties", Map.of())));
            assertTrue(error.message().contains("maxStemcellSizeMib"), error.message());
        } finally {
            small.deactivate();
        }
    }

    // ---------------------------------------------------------------- VMs

    @Test
    void aVmIsASupervisedProcessWithItsOwnDirectory() throws Exception {
        String vm = fixture.vm(cpi, temp);

        Path directory = fixture.store().resolve("vms").resolve(vm);
        Records.Vm record = cpi.cloud().vm(vm).orElseThrow();
        assertEquals(LocalCloud.RUNNING, record.state());
        ProcessHandle process = ProcessHandle.of(record.pid()).orElseThrow();
        assertTrue(process.isAlive());
        assertEquals(List.of("sleep", "2147483647"), record.command());
        assertEquals(Map.of("default", Map.of("ip", "10.0.0.2")),
                Store.JSON.readValue(directory.resolve("networks.json").toFile(), Map.class));
        assertEquals(Map.of(), Store.JSON.readValue(directory.resolve("environment.json").toFile(),
                Map.class));
        assertEquals(Boolean.TRUE, succeed("has_vm", Map.of("vm_cid", vm)));

        succeed("set_vm_metadata", Map.of("vm_cid", vm, "metadata", Map.of("a", "1")));
        succeed("set_vm_metadata", Map.of("vm_cid", vm, "metadata", Map.of("b", "2")));
        assertEquals(Map.of("a", "1", "b", "2"),
                Store.JSON.readValue(directory.resolve("metadata.json").toFile(), Map.class));

        succeed("reboot_vm", Map.of("vm_cid", vm));
        Records.Vm rebooted = cpi.cloud().vm(vm).orElseThrow();
        assertNotEquals(record.pid(), rebooted.pid());
        assertEquals(1, rebooted.reboots());
        assertFalse(process.isAlive(), "reboot ended the old process");
        assertEquals(Boolean.TRUE, succeed("has_vm", Map.of("vm_cid", vm)));

        ProcessHandle current = ProcessHandle.of(rebooted.pid()).orElseThrow();
        succeed("delete_vm", Map.of("vm_cid", vm));
        assertFalse(current.isAlive());
        assertFalse(Files.exists(directory));
        assertEquals(Boolean.FALSE, succeed("has_vm", Map.of("vm_cid", vm)));
        assertEquals(LocalCloud.VM_NOT_FOUND,
                error(call(cpi, "delete_vm", Map.of("vm_cid", vm))).type());
    }

    @Test
    void deleteVmEndsTheWholeProcessTree() throws Exception {
        cpi.deactivate();
        cpi = fixture.open(Map.of("vmCommand",
                new String[] {"sh", "-c", "sleep 2147483647 & sleep 2147483647 & wait"}));
        String vm = fixture.vm(cpi, temp);
        ProcessHandle root = cpi.cloud().processes().get(vm);
        await("two children", Duration.ofSeconds(10), () -> root.children().count() == 2);
        List<ProcessHandle> tree = root.descendants().toList();
        fixture.track(root);

        succeed("delete_vm", Map.of("vm_cid", vm));

        assertFalse(root.isAlive());
        for (ProcessHandle child : tree) {
            assertFalse(child.isAlive(), "child " + child.pid());
        }
    }

    @Test
    void aVmWhoseProcessEndsIsReportedHonestly() throws Exception {
        cpi.deactivate();
        cpi = fixture.open(Map.of("vmCommand", new String[] {"sh", "-c", "exit 3"}));
        String vm = fixture.vm(cpi, temp);

        await("the VM's state to be exited", Duration.ofSeconds(10),
                () -> LocalCloud.EXITED.equals(cpi.cloud().vm(vm).orElseThrow().state()));

        assertEquals(Boolean.FALSE, succeed("has_vm", Map.of("vm_cid", vm)));
        String detail = cpi.cloud().vm(vm).orElseThrow().stateDetail();
        assertTrue(detail.contains("with exit code 3"), detail);
        succeed("reboot_vm", Map.of("vm_cid", vm));
        succeed("delete_vm", Map.of("vm_cid", vm));
    }

    @Test
    void theCommandComesFromCloudPropertiesOnlyWhenAllowed() throws Exception {
        String stemcell = (String) succeed("create_stemcell", Map.of("image_path",
                fixture.image(temp, "x").toString(), "cloud_properties", Map.of()));
        Map<String, Object> params = Map.of("agent_id", "a", "stemcell_cid", stemcell,
                "cloud_properties", Map.of("command", List.of("sleep", "1000")),
                "networks", Map.of());
        CpiError refused = error(call(cpi, "create_vm", params));
        assertEquals(CpiError.INVALID_PARAMETER, refused.type());
        assertTrue(refused.message().contains("allowCommandFromCloudProperties"),
                refused.message());

        cpi.deactivate();
        cpi = fixture.open(Map.of("allowCommandFromCloudProperties", true));
        String vm = (String) ((List<?>) succeed("create_vm", params)).get(0);
        assertEquals(List.of("sleep", "1000"), cpi.cloud().vm(vm).orElseThrow().command());
        assertTrue(cpi.cloud().processes().get(vm).info().arguments()
                .map(arguments -> List.of(arguments).contains("1000")).orElse(true));
        CpiError bad = error(call(cpi, "create_vm", Map.of("agent_id", "a", "stemcell_cid",
                stemcell, "cloud_properties", Map.of("command", List.of()), "networks", Map.of())));
        assertEquals(CpiError.INVALID_PARAMETER, bad.type());
        succeed("delete_vm", Map.of("vm_cid", vm));
    }

    @Test
    void aMissingCommandFailsTheCreationAndLeavesNothing() throws Exception {
        cpi.deactivate();
        cpi = fixture.open(Map.of("vmCommand", new String[] {"/nonexistent/cpi-vm"}));
        String stemcell = (String) succeed("create_stemcell", Map.of("image_path",
                fixture.image(temp, "x").toString(), "cloud_properties", Map.of()));

        CpiError error = error(call(cpi, "create_vm", Map.of("agent_id", "agent-7",
                "stemcell_cid", stemcell, "cloud_properties", Map.of(), "networks", Map.of())));

        assertEquals(LocalCloud.VM_CREATION_FAILED, error.type());
        assertTrue(error.message().contains("agent-7")
                && error.message().contains("/nonexistent/cpi-vm"), error.message());
        assertEquals(0, cpi.cloud().vmCount());
        try (var entries = Files.list(fixture.store().resolve("vms"))) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void theVmLimitHolds() throws Exception {
        cpi.deactivate();
        cpi = fixture.open(Map.of("maxVms", 1));
        fixture.vm(cpi, temp);
        String stemcell = (String) succeed("create_stemcell", Map.of("image_path",
                fixture.image(temp, "x").toString(), "cloud_properties", Map.of()));
        CpiError error = error(call(cpi, "create_vm", Map.of("agent_id", "a",
                "stemcell_cid", stemcell, "cloud_properties", Map.of(), "networks", Map.of())));
        assertTrue(error.message().contains("maxVms"), error.message());
    }

    // ---------------------------------------------------------------- disks

    /** Bytes the file system allocated for a file (stat's blocks of 512 bytes). */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), output);
        return Long.parseLong(output) * 512;
    }

    @Test
    void disksAreSparseFilesThatOnlyGrow() throws Exception {
        String disk = (String) succeed("create_disk", Map.of("size", 512, "cloud_properties",
                Map.of()));
        Path file = cpi.cloud().diskFile(disk);
        assertEquals(512 * MIB, Files.size(file));
        long allocated = allocatedBytes(file);
        assertTrue(allocated < MIB, "sparse, but " + allocated + " bytes allocated");

        succeed("resize_disk", Map.of("disk_cid", disk, "new_size", 1024));
        assertEquals(1024 * MIB, Files.size(file));
        assertEquals(1024, cpi.cloud().disk(disk).orElseThrow().sizeMib());
        CpiError shrink = error(call(cpi, "resize_disk", Map.of("disk_cid", disk,
                "new_size", 10)));
        assertEquals(CpiError.NOT_SUPPORTED, shrink.type());
        assertTrue(shrink.message().contains(disk), shrink.message());
        CpiError tooBig = error(call(cpi, "resize_disk", Map.of("disk_cid", disk,
                "new_size", 1025)));
        assertTrue(tooBig.message().contains("maxDiskSizeMib"), tooBig.message());
        succeed("update_disk", Map.of("disk_cid", disk, "new_size", 1024, "cloud_properties",
                Map.of("type", "ssd")));
        assertEquals(Map.of("type", "ssd"), cpi.cloud().disk(disk).orElseThrow().cloudProperties());

        assertEquals(CpiError.INVALID_PARAMETER, error(call(cpi, "create_disk",
                Map.of("size", 2048, "cloud_properties", Map.of()))).type());
        succeed("delete_disk", Map.of("disk_cid", disk));
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void attachedDisksAreExposedInTheVmDirectory() throws Exception {
        String vm = fixture.vm(cpi, temp);
        String disk = (String) succeed("create_disk", Map.of("size", 1, "cloud_properties",
                Map.of(), "vm_cid", vm));
        try (RandomAccessFile data = new RandomAccessFile(cpi.cloud().diskFile(disk).toFile(),
                "rw")) {
            data.seek(4096);
            data.write("written by the VM".getBytes());
        }

        assertEquals("/dev/sdb", succeed("attach_disk", Map.of("vm_cid", vm, "disk_cid", disk)));
        assertEquals("/dev/sdb", succeed("attach_disk", Map.of("vm_cid", vm, "disk_cid", disk)));
        Path link = cpi.cloud().vmDirectory(vm).resolve("disks").resolve(disk);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(cpi.cloud().diskFile(disk).toRealPath(), link.toRealPath());
        assertEquals(List.of(disk), succeed("get_disks", Map.of("vm_cid", vm)));
        assertEquals(CpiError.CLOUD_ERROR,
                error(call(cpi, "delete_disk", Map.of("disk_cid", disk))).type());

        String snapshot = (String) succeed("snapshot_disk", Map.of("disk_cid", disk,
                "metadata", Map.of()));
        Path copy = fixture.store().resolve("snapshots").resolve(snapshot).resolve("snapshot.img");
        assertArrayEquals(Files.readAllBytes(cpi.cloud().diskFile(disk)), Files.readAllBytes(copy));

        succeed("set_disk_metadata", Map.of("disk_cid", disk, "metadata", Map.of("k", "v")));
        assertEquals(Map.of("k", "v"), cpi.cloud().disk(disk).orElseThrow().metadata());
        succeed("detach_disk", Map.of("vm_cid", vm, "disk_cid", disk));
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), succeed("get_disks", Map.of("vm_cid", vm)));
        assertEquals(LocalCloud.DISK_NOT_ATTACHED, error(call(cpi, "detach_disk",
                Map.of("vm_cid", vm, "disk_cid", disk))).type());

        succeed("attach_disk", Map.of("vm_cid", vm, "disk_cid", disk));
        succeed("delete_vm", Map.of("vm_cid", vm));
        assertEquals(null, cpi.cloud().disk(disk).orElseThrow().attachedTo(),
                "deleting the VM detached the disk");
        succeed("delete_snapshot", Map.of("snapshot_cid", snapshot));
        succeed("delete_disk", Map.of("disk_cid", disk));
    }

    // ---------------------------------------------------------------- path safety

    @Test
    void idsCannotEscapeTheStore() throws IOException {
        Path outside = temp.resolve("outside");
        Files.createDirectories(outside.resolve("disk.json").getParent());
        List<Path> before = Fixture.files(temp);
        for (String id : List.of("../outside", "..", ".", "a/b", "/etc/passwd", "", "x\0y",
                "disk-1/../../../outside")) {
            for (Map.Entry<String, String> call : Map.of("delete_disk", "disk_cid",
                    "delete_vm", "vm_cid", "delete_stemcell", "stemcell_cid",
                    "delete_snapshot", "snapshot_cid", "has_vm", "vm_cid",
                    "resize_disk", "disk_cid").entrySet()) {
                Map<String, Object> params = new java.util.HashMap<>(Map.of(call.getValue(), id));
                if (call.getKey().equals("resize_disk")) {
                    params.put("new_size", 2);
                }
                CpiError error = error(call(cpi, call.getKey(), params));
                assertEquals(CpiError.INVALID_PARAMETER, error.type(), error::toString);
                assertTrue(error.message().contains("Id '" + id + "' in parameter '"
                        + call.getValue() + "'"), error.message());
            }
        }
        CpiError vm = error(call(cpi, "create_vm", Map.of("agent_id", "a", "stemcell_cid",
                "../x", "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids",
                List.of("../../y"))));
        assertEquals(CpiError.INVALID_PARAMETER, vm.type());
        assertEquals(before, Fixture.files(temp));
    }

    // ---------------------------------------------------------------- restarts

    @Test
    void aRestartReadoptsRunningVmsAndReportsDeadOnesHonestly() throws Exception {
        String alive = fixture.vm(cpi, temp);
        String dead = fixture.vm(cpi, temp);
        String disk = (String) succeed("create_disk", Map.of("size", 1, "cloud_properties",
                Map.of()));
        succeed("attach_disk", Map.of("vm_cid", alive, "disk_cid", disk));
        ProcessHandle alivePid = cpi.cloud().processes().get(alive);
        ProcessHandle deadPid = cpi.cloud().processes().get(dead);
        cpi.deactivate();
        assertTrue(alivePid.isAlive(), "VM processes outlive the provider");

        deadPid.destroyForcibly();
        deadPid.onExit().join();
        LocalCpiExtension restarted = fixture.open(Map.of());

        assertEquals(Boolean.TRUE, fixture.succeed(restarted, "has_vm", Map.of("vm_cid", alive)));
        assertEquals(alivePid.pid(), restarted.cloud().processes().get(alive).pid());
        assertEquals(Boolean.FALSE, fixture.succeed(restarted, "has_vm", Map.of("vm_cid", dead)));
        Records.Vm record = restarted.cloud().vm(dead).orElseThrow();
        assertEquals(LocalCloud.LOST, record.state());
        assertTrue(record.stateDetail().contains("Process " + deadPid.pid())
                && record.stateDetail().contains("was not running"), record.stateDetail());
        Map<?, ?> onDisk = Store.JSON.readValue(fixture.store().resolve("vms").resolve(dead)
                .resolve("vm.json").toFile(), Map.class);
        assertEquals(LocalCloud.LOST, onDisk.get("state"));
        assertEquals(List.of(disk), fixture.succeed(restarted, "get_disks",
                Map.of("vm_cid", alive)));

        fixture.succeed(restarted, "delete_vm", Map.of("vm_cid", dead));
        fixture.succeed(restarted, "delete_vm", Map.of("vm_cid", alive));
        assertFalse(alivePid.isAlive(), "the re-adopted process was ended by delete_vm");
    }

    @Test
    void aReusedPidIsNotAdopted() throws Exception {
        String vm = fixture.vm(cpi, temp);
        ProcessHandle process = cpi.cloud().processes().get(vm);
        cpi.deactivate();
        // The same pid, but a process that started at another time: not the VM's.
        Path record = fixture.store().resolve("vms").resolve(vm).resolve("vm.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Store.JSON.readValue(record.toFile(), Map.class);
        json.put("processStart", "2001-01-01T00:00:00Z");
        Files.write(record, Store.JSON.writeValueAsBytes(json));

        LocalCpiExtension restarted = fixture.open(Map.of());

        assertEquals(Boolean.FALSE, fixture.succeed(restarted, "has_vm", Map.of("vm_cid", vm)));
        assertEquals(LocalCloud.LOST, restarted.cloud().vm(vm).orElseThrow().state());
        fixture.succeed(restarted, "delete_vm", Map.of("vm_cid", vm));
        assertTrue(process.isAlive(), "a process that may not be the VM's is left alone");
        VmProcess.stopTree(process, Duration.ZERO);
    }

    @Test
    void aRestartRemovesWhatInterruptedOperationsLeft() throws Exception {
        String disk = (String) succeed("create_disk", Map.of("size", 1, "cloud_properties",
                Map.of()));
        cpi.deactivate();
        Path store = fixture.store();
        Path halfCreated = Files.createDirectories(store.resolve("disks").resolve("disk-half"));
        Files.writeString(halfCreated.resolve("disk.img"), "");
        Path temp = store.resolve("disks").resolve(disk).resolve("disk.json.123.tmp");
        Files.writeString(temp, "{ torn");

        LocalCpiExtension restarted = fixture.open(Map.of());

        assertFalse(Files.exists(halfCreated));
        assertFalse(Files.exists(temp));
        assertEquals(1, restarted.cloud().diskCount());
        assertEquals(Boolean.FALSE, fixture.succeed(restarted, "has_disk",
                Map.of("disk_cid", "disk-half")));
    }

    @Test
    void aDamagedRecordStopsTheProviderWithTheFileNamed() throws Exception {
        String disk = (String) succeed("create_disk", Map.of("size", 1, "cloud_properties",
                Map.of()));
        cpi.deactivate();
        Path record = fixture.store().resolve("disks").resolve(disk).resolve("disk.json");
        Files.writeString(record, "{ not json");

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> fixture.open(Map.of()));
        assertTrue(error.getMessage().contains(record.toString()), error.getMessage());
    }
}
